"""Interop check (issue 15): `poincare-embed closure <file.obo>` and its `--names` file equal an
independent reading of the same OBO file with fastobo (a Rust OBO 1.4 parser) and a plain Python
closure, pair for pair and name for name.

Usage: obo-check.py <poincare-embed> <work folder> <label> <file.obo> [--relation R]...
Prints the counts and "identical" or the differences; exits 1 on a mismatch.
"""

import subprocess
import sys

import fastobo


def independent_reading(path, relations):
    """(pairs, names, term count, obsolete count) of the file, read with fastobo."""
    terms = {}
    for frame in fastobo.load(path):
        if not isinstance(frame, fastobo.term.TermFrame):
            continue  # [Typedef] and [Instance] stanzas are not terms
        term = terms.setdefault(str(frame.id), {"name": None, "obsolete": False, "edges": []})
        for clause in frame:
            if isinstance(clause, fastobo.term.NameClause):
                term["name"] = clause.name
            elif isinstance(clause, fastobo.term.IsObsoleteClause):
                term["obsolete"] = term["obsolete"] or clause.obsolete
            elif isinstance(clause, fastobo.term.IsAClause):
                term["edges"].append(str(clause.term))
            elif isinstance(clause, fastobo.term.RelationshipClause):
                if str(clause.typedef) in relations:
                    term["edges"].append(str(clause.term))
    live = {key for key, term in terms.items() if not term["obsolete"]}
    parents = {
        key: {parent for parent in terms[key]["edges"] if parent in live and parent != key}
        for key in live
    }
    ancestors = {}
    for start in sorted(live):  # iterative depth-first search, each term finished once
        stack = [start]
        while stack:
            key = stack[-1]
            if key in ancestors:
                stack.pop()
                continue
            pending = [parent for parent in parents[key] if parent not in ancestors]
            if pending:
                for parent in pending:
                    if parent in stack:
                        sys.exit(f"fastobo reading: a cycle through {parent}")
                stack.extend(pending)
                continue
            reached = set(parents[key])
            for parent in parents[key]:
                reached |= ancestors[parent]
            ancestors[key] = reached
            stack.pop()
    pairs = {(key, ancestor) for key, reached in ancestors.items() for ancestor in reached}
    nodes = {node for pair in pairs for node in pair}
    names = {
        key: "".join(" " if ord(c) < 0x20 else c for c in terms[key]["name"])
        for key in nodes
        if terms[key]["name"]
    }
    obsolete = len(terms) - len(live)
    return pairs, names, len(terms), obsolete


def main():
    tool, work, label, path = sys.argv[1:5]
    relations = sys.argv[6::2] if len(sys.argv) > 5 else []
    closure_path = f"{work}/{label}.tsv"
    names_path = f"{work}/{label}-names.tsv"
    command = [tool, "closure", path, "-o", closure_path, "--names", names_path]
    for relation in relations:
        command += ["--relation", relation]
    run = subprocess.run(command, capture_output=True, text=True)
    sys.stdout.write("".join(f"  {line}\n" for line in run.stderr.splitlines()))
    if run.returncode != 0:
        print(f"{label}: poincare-embed closure failed with status {run.returncode}")
        return False

    pairs, names, term_count, obsolete = independent_reading(path, set(relations))
    nodes = {node for pair in pairs for node in pair}
    print(
        f"{label}: fastobo {fastobo.__version__}: {term_count} terms, {obsolete} obsolete; "
        f"closure {len(nodes)} nodes, {len(pairs)} pairs, {len(names)} names"
    )
    with open(closure_path, "rb") as file:
        closure_bytes = file.read()
    ours = {tuple(line.split("\t")) for line in closure_bytes.decode().splitlines()}
    ok = True
    expected_bytes = "".join(
        f"{child}\t{parent}\n"
        for child, parent in sorted(pairs, key=lambda p: (p[0].encode(), p[1].encode()))
    ).encode()
    if ours == pairs and closure_bytes == expected_bytes:
        print(f"{label}: closure identical (same pairs, same sorted bytes)")
    else:
        ok = False
        for what, difference in (("missing", pairs - ours), ("extra", ours - pairs)):
            if difference:
                print(f"{label}: {len(difference)} {what} pairs, e.g. {sorted(difference)[:5]}")
        if ours == pairs:
            print(f"{label}: same pairs, but not the sorted, duplicate-free list")
    with open(names_path, encoding="utf-8") as file:
        our_names = dict(line.split("\t", 1) for line in file.read().splitlines())
    if our_names == names:
        print(f"{label}: names identical ({len(names)})")
    else:
        ok = False
        differing = sorted(k for k in names.keys() | our_names.keys()
                           if names.get(k) != our_names.get(k))
        print(f"{label}: {len(differing)} names differ, e.g. "
              + ", ".join(f"{k}: {names.get(k)!r} vs ours {our_names.get(k)!r}"
                          for k in differing[:3]))
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
