/* The inner loops run once per message, compiled: bot/kernel.py has the same functions in numpy
 * or Python and says what they compute. Both give the same bits: the sums run in the same order, each product is
 * rounded as numpy rounds it (double, or float for the classifier's float32 weights), and the build
 * turns off fused multiply-add (setup.py: -ffp-contract=off). Arrays arrive through the buffer
 * protocol (no numpy headers needed to build); their item sizes are checked here, and every index
 * read from them is checked against the array it points into. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

static int check(Py_buffer *b, Py_ssize_t itemsize, const char *name) {
    if (b->itemsize != itemsize || b->len % itemsize != 0) {
        PyErr_Format(PyExc_TypeError, "%s: items of %zd bytes expected", name, itemsize);
        return -1;
    }
    return 0;
}

/* Whether every run (run i: length[i] entries from start[i]) lies inside an array of n entries. */
static int runs_fit(const int64_t *start, const int64_t *length, Py_ssize_t k, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < k; i++) {
        if (start[i] < 0 || length[i] < 0 || start[i] + length[i] > n) {
            return 0;
        }
    }
    return 1;
}

/* Append `value` to the list as a Python int; -1 with an exception set when that fails. */
static int append_value(PyObject *out, uint32_t value) {
    PyObject *number = PyLong_FromUnsignedLong(value);
    if (number == NULL) {
        return -1;
    }
    int failed = PyList_Append(out, number);
    Py_DECREF(number);
    return failed;
}

/* example_scores(weights f8[k], starts i8[k], lengths i8[k], post_target i4[], post_weight f4[],
 *                n_docs, group_start i8[t], summed f8[n_docs + t] (out), first f8[t] (out), second f8[t] (out))
 *
 * summed[target] += weights[i] * post_weight[p] for each feature i and each of its postings p, in order
 * (the posting's weight widened to double first, as numpy widens it);
 * then per topic group g (examples group_start[g] up to the next group's start), its best example's
 * score and the best of the others (0.0 when none). */
static PyObject *example_scores(PyObject *self, PyObject *args) {
    Py_buffer w = {0}, st = {0}, ln = {0}, tg = {0}, pw = {0}, gs = {0}, sm = {0}, fi = {0}, se = {0};
    Py_ssize_t n_docs;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*ny*w*w*w*", &w, &st, &ln, &tg, &pw, &n_docs, &gs, &sm, &fi, &se)) {
        return NULL;
    }
    PyObject *result = NULL;
    if (check(&w, 8, "weights") || check(&st, 8, "starts") || check(&ln, 8, "lengths") ||
        check(&tg, 4, "post_target") || check(&pw, 4, "post_weight") || check(&gs, 8, "group_start") ||
        check(&sm, 8, "summed") || check(&fi, 8, "first") || check(&se, 8, "second")) {
        goto done;
    }
    Py_ssize_t k = w.len / 8, n_post = tg.len / 4, n_summed = sm.len / 8, n_groups = gs.len / 8;
    if (st.len / 8 != k || ln.len / 8 != k || pw.len / 4 != n_post || fi.len / 8 != n_groups ||
        se.len / 8 != n_groups || n_docs < 0 || n_docs > n_summed) {
        PyErr_SetString(PyExc_ValueError, "array lengths do not agree");
        goto done;
    }
    const double *weight = w.buf;
    const float *post_weight = pw.buf;
    const int64_t *start = st.buf, *length = ln.buf, *group_start = gs.buf;
    const int32_t *target = tg.buf;
    double *summed = sm.buf, *first = fi.buf, *second = se.buf;
    int bad = !runs_fit(start, length, k, n_post);
    Py_BEGIN_ALLOW_THREADS
    memset(summed, 0, (size_t)n_summed * sizeof(double));
    for (Py_ssize_t i = 0; i < k && !bad; i++) {
        double wi = weight[i];
        for (int64_t p = start[i]; p < start[i] + length[i]; p++) {
            int32_t t = target[p];
            if (t < 0 || t >= n_summed) {
                bad = 1;
                break;
            }
            summed[t] += wi * (double)post_weight[p];
        }
    }
    for (Py_ssize_t g = 0; g < n_groups && !bad; g++) {
        int64_t from = group_start[g], to = g + 1 < n_groups ? group_start[g + 1] : n_docs;
        if (from < 0 || from >= to || to > n_docs) {
            bad = 1;
            break;
        }
        /* One pass: the best so far (its first place) and the best of the others, at least 0.0 (numpy's
         * version zeroes the best and takes the maximum again); a tie counts twice. */
        double best = summed[from], next = 0.0;
        for (int64_t d = from + 1; d < to; d++) {
            double v = summed[d];
            if (v > best) {
                if (best > next) {
                    next = best;
                }
                best = v;
            } else if (v > next) {
                next = v;
            }
        }
        first[g] = best;
        second[g] = next;
    }
    Py_END_ALLOW_THREADS
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "an index points outside its array");
        goto done;
    }
    result = Py_None;
    Py_INCREF(result);
done:
    PyBuffer_Release(&w);
    PyBuffer_Release(&st);
    PyBuffer_Release(&ln);
    PyBuffer_Release(&tg);
    PyBuffer_Release(&pw);
    PyBuffer_Release(&gs);
    PyBuffer_Release(&sm);
    PyBuffer_Release(&fi);
    PyBuffer_Release(&se);
    return result;
}

/* class_sums(scale f4[k], starts i8[k], lengths i8[k], weights f4[], targets i2[], out f8[classes] (out))
 *
 * out[targets[p]] += (double)(weights[p] * scale[i]), the product rounded to float as numpy's float32
 * product is, for each feature i and each of its weights p, in order. */
static PyObject *class_sums(PyObject *self, PyObject *args) {
    Py_buffer sc = {0}, st = {0}, ln = {0}, wt = {0}, tg = {0}, out = {0};
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*w*", &sc, &st, &ln, &wt, &tg, &out)) {
        return NULL;
    }
    PyObject *result = NULL;
    if (check(&sc, 4, "scale") || check(&st, 8, "starts") || check(&ln, 8, "lengths") || check(&wt, 4, "weights") ||
        check(&tg, 2, "targets") || check(&out, 8, "out")) {
        goto done;
    }
    Py_ssize_t k = sc.len / 4, n = wt.len / 4, n_out = out.len / 8;
    if (st.len / 8 != k || ln.len / 8 != k || tg.len / 2 != n) {
        PyErr_SetString(PyExc_ValueError, "array lengths do not agree");
        goto done;
    }
    const float *scale = sc.buf, *weights = wt.buf;
    const int64_t *start = st.buf, *length = ln.buf;
    const int16_t *targets = tg.buf;
    double *sums = out.buf;
    int bad = !runs_fit(start, length, k, n);
    Py_BEGIN_ALLOW_THREADS
    memset(sums, 0, (size_t)n_out * sizeof(double));
    for (Py_ssize_t i = 0; i < k && !bad; i++) {
        float s = scale[i];
        for (int64_t p = start[i]; p < start[i] + length[i]; p++) {
            int16_t t = targets[p];
            if (t < 0 || t >= n_out) {
                bad = 1;
                break;
            }
            float product = weights[p] * s;
            sums[t] += (double)product;
        }
    }
    Py_END_ALLOW_THREADS
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "an index points outside its array");
        goto done;
    }
    result = Py_None;
    Py_INCREF(result);
done:
    PyBuffer_Release(&sc);
    PyBuffer_Release(&st);
    PyBuffer_Release(&ln);
    PyBuffer_Release(&wt);
    PyBuffer_Release(&tg);
    PyBuffer_Release(&out);
    return result;
}

/* table_ids(text: str, sizes: tuple[int, ...], keys: u4[capacity * width], info: u4[capacity], width: int)
 *     -> list[int]
 *
 * The values a GramTable (bot/kernel.py) holds for the distinct n-grams of `text` (n in `sizes`), each value
 * once, in the order the grams first occur (size by size, left to right). The table: open addressing
 * with linear probing over `capacity` (a power of two) slots; slot s holds a key's code points at
 * keys[s * width:], and info[s] = its length << 24 | its value (0: an empty slot). The hash is FNV-1a
 * over the code points, then h ^= h >> 15; bot/kernel.py builds the table with the same. */
static uint32_t gram_hash(const uint32_t *points, Py_ssize_t n) {
    uint32_t h = 2166136261u;
    for (Py_ssize_t k = 0; k < n; k++) {
        h = (h ^ points[k]) * 16777619u;
    }
    return h ^ (h >> 15);
}

/* The value of the key with these code points, or 0 when the table does not hold it. */
static uint32_t table_find(const uint32_t *keys, const uint32_t *info, Py_ssize_t capacity, Py_ssize_t width,
                           const uint32_t *points, Py_ssize_t n) {
    Py_ssize_t slot = (Py_ssize_t)(gram_hash(points, n) & (uint32_t)(capacity - 1));
    for (Py_ssize_t probes = 0; probes < capacity; probes++) {
        uint32_t entry = info[slot];
        if (entry == 0) {
            return 0;
        }
        if ((Py_ssize_t)(entry >> 24) == n && memcmp(keys + slot * width, points, (size_t)n * 4) == 0) {
            return entry & 0xFFFFFFu;
        }
        slot = (slot + 1) & (capacity - 1);
    }
    return 0;
}

/* Checks the table's two buffers; its capacity, or -1 with an exception set. */
static Py_ssize_t table_capacity(Py_buffer *kb, Py_buffer *ib, Py_ssize_t width) {
    if (check(kb, 4, "keys") || check(ib, 4, "info")) {
        return -1;
    }
    Py_ssize_t capacity = ib->len / 4;
    if (width < 1 || width > 16 || capacity < 1 || (capacity & (capacity - 1)) != 0 || kb->len / 4 != capacity * width) {
        PyErr_SetString(PyExc_ValueError, "not a gram table");
        return -1;
    }
    return capacity;
}

static PyObject *table_ids(PyObject *self, PyObject *args) {
    PyObject *text, *sizes;
    Py_buffer kb = {0}, ib = {0};
    Py_ssize_t width;
    if (!PyArg_ParseTuple(args, "UO!y*y*n", &text, &PyTuple_Type, &sizes, &kb, &ib, &width)) {
        return NULL;
    }
    PyObject *out = NULL;
    uint32_t *seen = NULL;
    Py_ssize_t capacity = table_capacity(&kb, &ib, width);
    if (capacity < 0) {
        goto done;
    }
    Py_ssize_t length = PyUnicode_GET_LENGTH(text), grams = 0;
    for (Py_ssize_t s = 0; s < PyTuple_GET_SIZE(sizes); s++) {
        Py_ssize_t n = PyLong_AsSsize_t(PyTuple_GET_ITEM(sizes, s));
        if (n == -1 && PyErr_Occurred()) {
            goto done;
        }
        if (n < 1 || n > width) {
            PyErr_SetString(PyExc_ValueError, "gram sizes must be from 1 to the table's width");
            goto done;
        }
        grams += length >= n ? length - n + 1 : 0;
    }
    /* The values already found: a set of small ints, open addressing over at least twice as many slots. */
    Py_ssize_t seen_size = 1;
    while (seen_size < 2 * grams + 2) {
        seen_size <<= 1;
    }
    seen = PyMem_Calloc((size_t)seen_size, sizeof(uint32_t));
    out = PyList_New(0);
    if (seen == NULL || out == NULL) {
        PyErr_NoMemory();
        Py_CLEAR(out);
        goto done;
    }
    const uint32_t *keys = kb.buf, *info = ib.buf;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    uint32_t points[16];
    for (Py_ssize_t s = 0; s < PyTuple_GET_SIZE(sizes); s++) {
        Py_ssize_t n = PyLong_AsSsize_t(PyTuple_GET_ITEM(sizes, s));
        for (Py_ssize_t i = 0; i + n <= length; i++) {
            for (Py_ssize_t k = 0; k < n; k++) {
                points[k] = (uint32_t)PyUnicode_READ(kind, data, i + k);
            }
            uint32_t value = table_find(keys, info, capacity, width, points, n);
            if (value == 0) {
                continue;
            }
            Py_ssize_t at = (Py_ssize_t)((value * 2654435761u) & (uint32_t)(seen_size - 1));
            while (seen[at] != 0 && seen[at] != value) {
                at = (at + 1) & (seen_size - 1);
            }
            if (seen[at] == value) {
                continue;
            }
            seen[at] = value;
            if (append_value(out, value) < 0) {
                Py_CLEAR(out);
                goto done;
            }
        }
    }
done:
    PyMem_Free(seen);
    PyBuffer_Release(&kb);
    PyBuffer_Release(&ib);
    return out;
}

/* table_values(grams: list[str], keys, info, width) -> list[int]
 *
 * The values the table holds for the grams it holds, in the list's order (the caller's grams are distinct). */
static PyObject *table_values(PyObject *self, PyObject *args) {
    PyObject *grams;
    Py_buffer kb = {0}, ib = {0};
    Py_ssize_t width;
    if (!PyArg_ParseTuple(args, "O!y*y*n", &PyList_Type, &grams, &kb, &ib, &width)) {
        return NULL;
    }
    PyObject *out = NULL;
    Py_ssize_t capacity = table_capacity(&kb, &ib, width);
    if (capacity < 0 || (out = PyList_New(0)) == NULL) {
        goto done;
    }
    const uint32_t *keys = kb.buf, *info = ib.buf;
    uint32_t points[16];
    for (Py_ssize_t g = 0; g < PyList_GET_SIZE(grams); g++) {
        PyObject *gram = PyList_GET_ITEM(grams, g);
        if (!PyUnicode_Check(gram)) {
            PyErr_SetString(PyExc_TypeError, "grams must be strings");
            Py_CLEAR(out);
            goto done;
        }
        Py_ssize_t n = PyUnicode_GET_LENGTH(gram);
        if (n < 1 || n > width) {
            continue; /* no key of that length */
        }
        int kind = PyUnicode_KIND(gram);
        const void *data = PyUnicode_DATA(gram);
        for (Py_ssize_t k = 0; k < n; k++) {
            points[k] = (uint32_t)PyUnicode_READ(kind, data, k);
        }
        uint32_t value = table_find(keys, info, capacity, width, points, n);
        if (value == 0) {
            continue;
        }
        if (append_value(out, value) < 0) {
            Py_CLEAR(out);
            goto done;
        }
    }
done:
    PyBuffer_Release(&kb);
    PyBuffer_Release(&ib);
    return out;
}

/* content_grams(pieces: list[tuple[str, bool]], size: int, keep_all: bool, japanese_only: bool) -> set[str]
 *
 * The n-grams (n = size) of the pieces' strings joined, those that touch a piece marked True (every one
 * with keep_all); with japanese_only, only grams of kana and kanji (U+3040-30FF, U+3400-9FFF). */
static int is_japanese(Py_UCS4 ch) { return (ch >= 0x3040 && ch <= 0x30FF) || (ch >= 0x3400 && ch <= 0x9FFF); }

static PyObject *content_grams(PyObject *self, PyObject *args) {
    PyObject *pieces;
    Py_ssize_t size;
    int keep_all, japanese_only;
    if (!PyArg_ParseTuple(args, "O!npp", &PyList_Type, &pieces, &size, &keep_all, &japanese_only)) {
        return NULL;
    }
    if (size < 1) {
        PyErr_SetString(PyExc_ValueError, "gram size must be positive");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(pieces);
    PyObject *strings = PyList_New(count), *text = NULL, *out = NULL, *empty = NULL;
    Py_ssize_t *content = NULL;
    if (strings == NULL) {
        return NULL;
    }
    for (Py_ssize_t p = 0; p < count; p++) {
        PyObject *piece = PyList_GET_ITEM(pieces, p);
        if (!PyTuple_Check(piece) || PyTuple_GET_SIZE(piece) != 2 || !PyUnicode_Check(PyTuple_GET_ITEM(piece, 0))) {
            PyErr_SetString(PyExc_TypeError, "pieces must be (str, bool) tuples");
            goto done;
        }
        PyObject *string = PyTuple_GET_ITEM(piece, 0);
        Py_INCREF(string);
        PyList_SET_ITEM(strings, p, string);
    }
    if ((empty = PyUnicode_New(0, 0)) == NULL || (text = PyUnicode_Join(empty, strings)) == NULL) {
        goto done;
    }
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    /* content[i]: how many characters of True pieces come before position i. */
    content = PyMem_Malloc((size_t)(length + 1) * sizeof(Py_ssize_t));
    if (content == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    content[0] = 0;
    Py_ssize_t at = 0;
    for (Py_ssize_t p = 0; p < count; p++) {
        PyObject *piece = PyList_GET_ITEM(pieces, p);
        int keep = PyObject_IsTrue(PyTuple_GET_ITEM(piece, 1));
        if (keep < 0) {
            goto done;
        }
        for (Py_ssize_t k = 0; k < PyUnicode_GET_LENGTH(PyTuple_GET_ITEM(piece, 0)); k++, at++) {
            content[at + 1] = content[at] + keep;
        }
    }
    if ((out = PySet_New(NULL)) == NULL) {
        goto done;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t i = 0; i + size <= length; i++) {
        if (!keep_all && content[i + size] == content[i]) {
            continue;
        }
        int keep = 1;
        for (Py_ssize_t k = 0; japanese_only && keep && k < size; k++) {
            keep = is_japanese(PyUnicode_READ(kind, data, i + k));
        }
        if (!keep) {
            continue;
        }
        PyObject *gram = PyUnicode_Substring(text, i, i + size);
        if (gram == NULL || PySet_Add(out, gram) < 0) {
            Py_XDECREF(gram);
            Py_CLEAR(out);
            goto done;
        }
        Py_DECREF(gram);
    }
done:
    PyMem_Free(content);
    Py_XDECREF(empty);
    Py_XDECREF(text);
    Py_DECREF(strings);
    return out;
}

static PyMethodDef methods[] = {
    {"example_scores", example_scores, METH_VARARGS, "Sum a message's postings; each topic's best two examples."},
    {"class_sums", class_sums, METH_VARARGS, "Sum a message's classifier weights per class."},
    {"table_ids", table_ids, METH_VARARGS, "A gram table's values for the distinct n-grams of a text, each once."},
    {"table_values", table_values, METH_VARARGS, "A gram table's values for the grams it holds."},
    {"content_grams", content_grams, METH_VARARGS, "The n-grams of joined pieces that touch a content piece."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernel", NULL, -1, methods};

PyMODINIT_FUNC PyInit__kernel(void) { return PyModule_Create(&module); }
