#!/usr/bin/python3
"""Baseline for `agreement --input FILE.jsonl`: Krippendorff's nominal alpha over tokens with NLTK.

Usage: /usr/bin/python3 tests/AnnotateHub.Benchmarks/nltk_alpha.py FILE.jsonl   (NLTK from Debian: apt-get install python3-nltk)

Reads the same JSONL interchange file as the command line and builds the units the report's headline
`krippendorff_alpha.nominal_tokens` uses (docs/agreement.md, "What counts"):

- an item is one token of one document: (document number, token number), tokens being the matches of
  \\w+|[^\\w\\s] over code points (Python's str is code points, so offsets match the file's);
- the coders of a document are the names in its "annotators"; spans of anyone else, and empty spans, are ignored;
- a token's label for a coder is the label of that coder's span covering the token's first code point (the one
  starting first, then the longer, then the label first in ordinal order), or "O" when none does;
- NLTK's alpha ignores items with fewer than two labels, as the report does.

Where it can differ: Python's \\w is not .NET's \\w for some characters (.NET's takes non-spacing marks and
connector punctuation; Python takes other digits and numbers); on ASCII text, as the generated files are, the
two tokenizers are the same. Prints the alpha on stdout; seconds spent reading and in alpha() on stderr.
"""
import json
import re
import sys
import time

from nltk.metrics.agreement import AnnotationTask

TOKEN = re.compile(r"\w+|[^\w\s]")


def main(path):
    started = time.perf_counter()
    data = []
    with open(path, encoding="utf-8") as f:
        for d, line in enumerate(f):
            if not line.strip():
                continue
            doc = json.loads(line)
            text = doc["text"]
            starts = [m.start() for m in TOKEN.finditer(text)]
            coders = list(dict.fromkeys(doc.get("annotators") or []))
            by_coder = {c: [] for c in coders}
            for a in doc.get("annotations") or []:
                if a["annotator"] in by_coder and a["end"] > a["start"]:
                    by_coder[a["annotator"]].append((a["start"], a["end"], a["label"]))
            for coder, spans in by_coder.items():
                # Highest priority last, so it is the one left on each character it covers.
                spans.sort(key=lambda s: (s[0], -s[1], s[2]), reverse=True)
                label_at = [None] * len(text)
                for start, end, label in spans:
                    label_at[start:end] = [label] * (min(end, len(text)) - start)
                for t, s in enumerate(starts):
                    data.append((coder, (d, t), label_at[s] or "O"))
    read = time.perf_counter() - started
    task = AnnotationTask(data=data)
    alpha = task.alpha()
    print(alpha)
    print(f"read {read:.2f} s, {len(data)} judgements; AnnotationTask + alpha {time.perf_counter() - started - read:.2f} s",
          file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
