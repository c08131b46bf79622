"""Reads a captured screen on stdin; fails unless every row is WIDTH columns wide (by the C library's wcswidth,
the table tmux places characters by) and ends with a border character of the frame."""
import ctypes, locale, sys

locale.setlocale(locale.LC_ALL, "C.UTF-8")
libc = ctypes.CDLL(None)
libc.wcswidth.restype = ctypes.c_int
width = int(sys.argv[1])
for n, row in enumerate(sys.stdin.read().split("\n")[:-1], 1):
    columns = libc.wcswidth(ctypes.c_wchar_p(row), len(row))
    if columns != width or row[-1:] not in "│┃┤┐┘":
        print(f"row {n} is {columns} columns wide (want {width}) and ends in {row[-1:]!r}: {row}")
        sys.exit(1)
