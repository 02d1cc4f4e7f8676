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

/* example_scores(weights f8[k], starts i8[k], lengths i8[k], post_target i4[], post_weight f8[],
 *                n_docs, group_start i8[t], summed f8[n_docs + t] (out), first f8[t] (out), second f8[t] (out))
 *
 * summed[target] += weights[i] * post_weight[p] for each feature i and each of its postings p, in order;
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
        check(&tg, 4, "post_target") || check(&pw, 8, "post_weight") || check(&gs, 8, "group_start") ||
        check(&sm, 8, "summed") || check(&fi, 8, "first") || check(&se, 8, "second")) {
        goto done;
    }
    Py_ssize_t k = w.len / 8, n_post = tg.len / 4, n_summed = sm.len / 8, n_groups = gs.len / 8;
    if (st.len / 8 != k || ln.len / 8 != k || pw.len / 8 != n_post || fi.len / 8 != n_groups ||
        se.len / 8 != n_groups || n_docs < 0 || n_docs > n_summed) {
        PyErr_SetString(PyExc_ValueError, "array lengths do not agree");
        goto done;
    }
    const double *weight = w.buf, *post_weight = pw.buf;
    const int64_t *start = st.buf, *length = ln.buf, *group_start = gs.buf;
    const int32_t *target = tg.buf;
    double *summed = sm.buf, *first = fi.buf, *second = se.buf;
    int bad = 0;
    Py_BEGIN_ALLOW_THREADS
    memset(summed, 0, (size_t)n_summed * sizeof(double));
    for (Py_ssize_t i = 0; i < k && !bad; i++) {
        int64_t from = start[i], to = start[i] + length[i];
        if (from < 0 || length[i] < 0 || to > n_post) {
            bad = 1;
            break;
        }
        double wi = weight[i];
        for (int64_t p = from; p < to; p++) {
            int32_t t = target[p];
            if (t < 0 || t >= n_summed) {
                bad = 1;
                break;
            }
            summed[t] += wi * post_weight[p];
        }
    }
    for (Py_ssize_t g = 0; g < n_groups && !bad; g++) {
        int64_t from = group_start[g], to = g + 1 < n_groups ? group_start[g + 1] : n_docs;
        if (from < 0 || from >= to || to > n_docs) {
            bad = 1;
            break;
        }
        int64_t at = from;
        for (int64_t d = from + 1; d < to; d++) {
            if (summed[d] > summed[at]) {
                at = d;
            }
        }
        double next = 0.0;
        for (int64_t d = from; d < to; d++) {
            if (d != at && summed[d] > next) {
                next = summed[d];
            }
        }
        first[g] = summed[at];
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
    int bad = 0;
    Py_BEGIN_ALLOW_THREADS
    memset(sums, 0, (size_t)n_out * sizeof(double));
    for (Py_ssize_t i = 0; i < k && !bad; i++) {
        int64_t from = start[i], to = start[i] + length[i];
        if (from < 0 || length[i] < 0 || to > n) {
            bad = 1;
            break;
        }
        float s = scale[i];
        for (int64_t p = from; p < to; p++) {
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

/* gram_ids(text: str, sizes: tuple[int, ...], table: dict[str, int]) -> list[int]
 *
 * The values `table` gives the distinct n-grams of `text` (n in `sizes`), each value once, in the order
 * the grams first occur (size by size, left to right). Values must be hashable (ints here). */
static PyObject *gram_ids(PyObject *self, PyObject *args) {
    PyObject *text, *sizes, *table;
    if (!PyArg_ParseTuple(args, "UO!O!", &text, &PyTuple_Type, &sizes, &PyDict_Type, &table)) {
        return NULL;
    }
    PyObject *out = PyList_New(0), *seen = PySet_New(NULL);
    if (out == NULL || seen == NULL) {
        goto fail;
    }
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    for (Py_ssize_t s = 0; s < PyTuple_GET_SIZE(sizes); s++) {
        Py_ssize_t n = PyLong_AsSsize_t(PyTuple_GET_ITEM(sizes, s));
        if (n == -1 && PyErr_Occurred()) {
            goto fail;
        }
        if (n < 1) {
            PyErr_SetString(PyExc_ValueError, "gram sizes must be positive");
            goto fail;
        }
        for (Py_ssize_t i = 0; i + n <= length; i++) {
            PyObject *gram = PyUnicode_Substring(text, i, i + n);
            if (gram == NULL) {
                goto fail;
            }
            PyObject *value = PyDict_GetItemWithError(table, gram); /* borrowed */
            Py_DECREF(gram);
            if (value == NULL) {
                if (PyErr_Occurred()) {
                    goto fail;
                }
                continue;
            }
            int known = PySet_Contains(seen, value);
            if (known < 0 || (!known && (PySet_Add(seen, value) < 0 || PyList_Append(out, value) < 0))) {
                goto fail;
            }
        }
    }
    Py_DECREF(seen);
    return out;
fail:
    Py_XDECREF(out);
    Py_XDECREF(seen);
    return NULL;
}

static PyMethodDef methods[] = {
    {"example_scores", example_scores, METH_VARARGS, "Sum a message's postings; each topic's best two examples."},
    {"class_sums", class_sums, METH_VARARGS, "Sum a message's classifier weights per class."},
    {"gram_ids", gram_ids, METH_VARARGS, "The table's values for the distinct n-grams of a text, each once."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernel", NULL, -1, methods};

PyMODINIT_FUNC PyInit__kernel(void) { return PyModule_Create(&module); }
