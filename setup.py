"""The one compiled part (bot/_kernel.c): optional, so an install without a C compiler still
works, with numpy doing the same sums (bot/kernel.py). Everything else is in pyproject.toml."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "bot._kernel",
            ["bot/_kernel.c"],
            # No fused multiply-add: each product is rounded as numpy rounds it, so both give the same bits.
            extra_compile_args=["-O2", "-ffp-contract=off"],
            optional=True,
        )
    ]
)
