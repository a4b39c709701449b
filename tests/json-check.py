#!/usr/bin/env python3
"""Validate smmush JSON output with a real parser.

json-check.py FILE [EXPR...]
FILE holds one or more JSON documents (one per line, or one pretty document).
Each EXPR is a Python expression over `doc` (the first document) and `docs`
that must be true, e.g. 'doc["fields"]["S1P"] is True'.
Exits 1 with one line naming what failed."""
import json
import sys


def load(text):
    dec = json.JSONDecoder()
    docs, i = [], 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return docs
        doc, i = dec.raw_decode(text, i)
        docs.append(doc)


def main():
    path, exprs = sys.argv[1], sys.argv[2:]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        docs = load(text)
    except ValueError as e:
        print(f"invalid JSON in {path}: {e}", file=sys.stderr)
        return 1
    if not docs:
        print(f"no JSON document in {path}", file=sys.stderr)
        return 1
    for e in exprs:
        try:
            good = eval(e, {}, {"doc": docs[0], "docs": docs})
        except Exception as ex:  # a missing key is a failed expectation
            good, e = False, f"{e} ({type(ex).__name__}: {ex})"
        if not good:
            print(f"expectation failed: {e}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
