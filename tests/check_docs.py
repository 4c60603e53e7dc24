#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks that the README and the manual (docs/) cite only what the
repository holds: every relative link resolves to a file (and its #anchor to
a heading there), and every repository path written in backquotes
(`plugin/kq1-view.c`, `scripts/test.sh`, `samples/hostile-*`) names files
that exist; and that no file of the repository names a Markdown document
(a `*.md` file) the repository does not hold. Prints each broken citation;
exits 1 if there is one.

    check_docs.py REPOSITORY
"""
import glob
import os
import re
import sys

TOP_FOLDERS = ("plugin", "samples", "tests", "cmake", "scripts", "bench", "docs", ".ci")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CODE = re.compile(r"`([^`\s]+)`")
MARKDOWN_NAME = re.compile(r"[\w./-]*\b[\w-]+\.md\b")
SKIP_FOLDERS = {".git"}


def slug(heading):
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path):
    with open(path, encoding="utf-8") as f:
        return {slug(line.lstrip("#")) for line in f if line.startswith("#")}


def repository_paths(text):
    """Paths under the top folders written in backquotes, globs and
    brace-free [ch] sets included; command lines and options are not paths."""
    for code in CODE.findall(text):
        code = code.rstrip(".,:;")
        if code.split("/")[0] in TOP_FOLDERS and "/" in code and not code.startswith("-"):
            yield code


def main():
    top = os.path.abspath(sys.argv[1])
    documents = [os.path.join(top, "README.md")] + sorted(glob.glob(os.path.join(top, "docs", "*.md")))
    broken = []
    for document in documents:
        with open(document, encoding="utf-8") as f:
            text = f.read()
        where = os.path.relpath(document, top)
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target):
                continue        # https:, mailto:
            path, _, anchor = target.partition("#")
            resolved = os.path.normpath(os.path.join(os.path.dirname(document), path)) if path else document
            if not os.path.exists(resolved):
                broken.append("%s: link to %s: no such file" % (where, target))
            elif anchor and resolved.endswith(".md") and anchor not in anchors(resolved):
                broken.append("%s: link to %s: no such heading" % (where, target))
        for path in repository_paths(text):
            pattern = os.path.join(top, re.sub(r"\[([a-z]+)\]", r"[\1]", path))
            if not glob.glob(pattern) and not glob.glob(pattern + "*"):
                broken.append("%s: `%s`: no such file in the repository" % (where, path))
    held = {os.path.basename(path) for path in documents + glob.glob(os.path.join(top, "*.md"))}
    for folder, subfolders, files in os.walk(top):
        subfolders[:] = [d for d in subfolders if d not in SKIP_FOLDERS and not d.startswith("build")]
        for name in files:
            path = os.path.join(folder, name)
            try:
                with open(path, encoding="utf-8") as f:
                    text = f.read()
            except (UnicodeDecodeError, OSError):
                continue        # a capture or another binary file
            for cited in MARKDOWN_NAME.findall(text):
                if os.path.basename(cited) not in held:
                    broken.append("%s: names %s, which the repository does not hold"
                                  % (os.path.relpath(path, top), cited))
    for line in broken:
        print(line)
    print("%d documents checked, %d broken citations" % (len(documents), len(broken)))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
