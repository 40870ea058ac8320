#!/usr/bin/env python3
"""Top frames of a JFR recording of one benchmark variant (docs/benchmarks.md, "Profiles").

usage: jfr_top.py RECORDING.jfr [N]     (needs a JDK 21+ `jfr` on PATH or in $JFR)

Prints, for CPU (jdk.ExecutionSample) and allocation (jdk.ObjectAllocationSample, by sampled
weight): the top N self frames; and the tracing layer's own work: samples whose nearest project
frame (io.jobcommon.*) is in io.jobcommon.messaging.tracing, i.e. what the tracing code does
itself, with the OpenTelemetry/JDK calls it makes but without the transport it delegates to,
by tracing method and by the library method it called.
"""
import collections
import json
import os
import subprocess
import sys

JFR = os.environ.get("JFR", "jfr")
TRACING = "io.jobcommon.messaging.tracing"


def events(recording, kind):
    out = subprocess.run([JFR, "print", "--json", "--stack-depth", "64", "--events", kind, recording],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["recording"]["events"]


def name(frame):
    m = frame["method"]
    return m["type"]["name"].replace("/", ".") + "." + m["name"]


def report(recording, kind, weight, n):
    top, own, called = collections.Counter(), collections.Counter(), collections.Counter()
    total = owned = 0
    for e in events(recording, kind):
        st = e["values"].get("stackTrace")
        if not st or not st["frames"]:
            continue
        w = weight(e)
        total += w
        frames = [name(f) for f in st["frames"]]
        top[frames[0]] += w
        first = next((f for f in frames if f.startswith("io.jobcommon.")), None)
        if first and first.startswith(TRACING):
            owned += w
            own[first.split("$$Lambda")[0]] += w
            i = frames.index(first)
            if i > 0:
                called[frames[i - 1].split("$$Lambda")[0]] += w
    unit = "samples" if kind == "jdk.ExecutionSample" else "bytes (sampled weight)"
    print(f"\n#### {kind}: {total:.0f} {unit}\n\nTop {n} self frames:\n")
    for k, v in top.most_common(n):
        print(f"- {100 * v / total:5.1f} %  {k}")
    print(f"\nTracing layer's own work: {100 * owned / max(total, 1):.1f} %, by method:\n")
    for k, v in own.most_common(n):
        print(f"- {100 * v / total:5.1f} %  {k}")
    print("\n... by the library method the tracing layer called:\n")
    for k, v in called.most_common(n):
        print(f"- {100 * v / total:5.1f} %  {k}")


if __name__ == "__main__":
    rec, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 15
    print(f"### {os.path.basename(rec)}")
    report(rec, "jdk.ExecutionSample", lambda e: 1, n)
    report(rec, "jdk.ObjectAllocationSample", lambda e: e["values"]["weight"], n)
