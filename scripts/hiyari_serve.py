"""`hiyari bench model --serve` driven from Python: scripts/bench-engine and scripts/bench-ab."""
import os
import subprocess


class HiyariServer:
    """One `hiyari bench model --serve` process: warmed up, then "run N" answers N latencies (ms)."""

    def __init__(self, binary, model, threads, warmup, environment=()):
        env = dict(os.environ)
        for pair in environment:
            key, _, value = pair.partition("=")
            env[key] = value
        self.process = subprocess.Popen(
            [binary, "bench", "model", model, "--threads", str(threads), "--warmup", str(warmup), "--serve"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        line = self.process.stdout.readline()
        if not line.startswith("ready"):
            raise SystemExit(f"{binary} bench model --serve did not start: {line!r}")

    def run(self, count):
        self.process.stdin.write(f"run {count}\n")
        self.process.stdin.flush()
        words = self.process.stdout.readline().split()
        if not words or words[0] != "times":
            raise SystemExit(f"unexpected answer from hiyari: {words!r}")
        return [int(t) / 1000.0 for t in words[1:]]

    def close(self):
        self.process.stdin.write("quit\n")
        self.process.stdin.flush()
        self.process.wait(timeout=30)
