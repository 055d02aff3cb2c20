"""Load test for `lamina serve`: many concurrent clients on loopback against one server.

    python bench/serve_load.py                       # trains the MNIST convnet briefly, serves it
    python bench/serve_load.py --model m.lamina --clients 32 --duration 30
    python bench/serve_load.py --random-weights --batch-max-size 32 --duration 10

The server runs in its own process (``python -m lamina.serving.cli``, by default on the NumPy
backend); the clients are threads spread over a few processes, each keeping one HTTP/1.1
connection open and posting one MNIST digit per request. The report gives requests/s, p50 and
p99 latency, the count of each status (5xx must be 0) and the server's resident memory after
warm-up and at the end. Not run in CI.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

MAX_DURATION_S = 300
MAX_CLIENTS = 512


def _rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _digits(n: int) -> np.ndarray:
    """``n`` MNIST test digits in [0, 1] (random images if MNIST is not available)."""
    try:
        from lamina.datasets import mnist

        (_, _), (x, _) = mnist.load_data()
        return (x[:n, :, :, None] / 255.0).astype("float32")
    except Exception:
        return np.random.default_rng(0).random((n, 28, 28, 1), dtype=np.float32)


def make_model(path: str, random_weights: bool, steps: int) -> None:
    """Save the MNIST convnet to ``path``: briefly trained, or with its initial weights."""
    import lamina
    from lamina.demo.mnist import convnet

    model = convnet()
    if random_weights or lamina.backend.backend() == "numpy":
        if not random_weights:
            print("the numpy backend cannot train: serving random weights", file=sys.stderr)
        model.save(path)
        return
    from lamina.datasets import mnist

    (x, y), _ = mnist.load_data()
    n = min(steps * 64, len(x))
    x = (x[:n, :, :, None] / 255.0).astype("float32")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    started = time.perf_counter()
    model.fit(x, y[:n], batch_size=64, epochs=1, verbose=0)
    print(f"trained the convnet for {n // 64} steps in {time.perf_counter() - started:.1f} s")
    model.save(path)


def _client_process(host, port, name, bodies, threads, stop_at, queue):
    """Run ``threads`` clients until ``stop_at``; put (latencies, status counts, errors)."""
    latencies, statuses, errors = [], {}, []
    lock = threading.Lock()

    def client(k):
        conn = http.client.HTTPConnection(host, port, timeout=30)
        mine, counts, i = [], {}, k
        headers = {"Content-Type": "application/json"}
        while time.time() < stop_at:
            body = bodies[i % len(bodies)]
            i += 1
            started = time.perf_counter()
            try:
                conn.request("POST", f"/v1/models/{name}:predict", body, headers)
                resp = conn.getresponse()
                resp.read()
            except (OSError, http.client.HTTPException) as e:
                with lock:
                    errors.append(f"{type(e).__name__}: {e}")
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
            counts[resp.status] = counts.get(resp.status, 0) + 1
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
        conn.close()
        with lock:
            latencies.extend(mine)
            for s, c in counts.items():
                statuses[s] = statuses.get(s, 0) + c

    workers = [threading.Thread(target=client, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    queue.put((latencies, statuses, errors))


def start_server(args, model_path):
    env = dict(os.environ, LAMINA_BACKEND=args.backend, PYTHONUNBUFFERED="1")
    cmd = [sys.executable, "-m", "lamina.serving.cli", model_path, "--port", "0"]
    cmd += ["--name", "mnist", "--workers", str(args.workers)]
    cmd += ["--batch-max-size", str(args.batch_max_size)]
    cmd += ["--batch-timeout-ms", str(args.batch_timeout_ms)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
    line = proc.stdout.readline()
    match = re.search(r"on the (\w+) backend at http://([\d.]+):(\d+)/", line)
    if not match:
        proc.kill()
        raise SystemExit(f"the server did not start: {line!r}")
    threading.Thread(target=proc.stdout.read, daemon=True).start()  # drain its output
    return proc, match[1], match[2], int(match[3])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="a saved .lamina model taking 28x28x1 images")
    parser.add_argument("--random-weights", action="store_true", help="serve the untrained convnet")
    parser.add_argument("--train-steps", type=int, default=300, help="steps to train (300)")
    parser.add_argument("--backend", default="numpy", help="the server's backend (numpy)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (32)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load (30)")
    parser.add_argument("--client-procs", type=int, default=2, help="client processes (2)")
    parser.add_argument("--workers", type=int, default=1, help="server inference threads (1)")
    parser.add_argument("--batch-max-size", type=int, default=0, help="server batching (0: off)")
    parser.add_argument("--batch-timeout-ms", type=float, default=2.0)
    args = parser.parse_args(argv)
    clients = max(1, min(args.clients, MAX_CLIENTS))
    duration = max(1.0, min(args.duration, MAX_DURATION_S))
    procs = max(1, min(args.client_procs, clients))

    with tempfile.TemporaryDirectory() as tmp:
        model_path = args.model
        if model_path is None:
            model_path = os.path.join(tmp, "mnist.lamina")
            make_model(model_path, args.random_weights, args.train_steps)
        digits = _digits(64)
        bodies = [json.dumps({"instances": [d.round(4).tolist()]}).encode() for d in digits]
        server, backend, host, port = start_server(args, model_path)
        try:
            # Warm up, then take the starting memory.
            conn = http.client.HTTPConnection(host, port, timeout=30)
            for body in bodies[:20]:
                conn.request("POST", "/v1/models/mnist:predict", body)
                answer = conn.getresponse()
                assert answer.status == 200, answer.read()[:200]
                answer.read()
            conn.close()
            rss_start = _rss_mib(server.pid)
            stop_at = time.time() + duration
            queue = multiprocessing.get_context("fork").Queue()
            shares = [clients // procs + (i < clients % procs) for i in range(procs)]
            children = [
                multiprocessing.get_context("fork").Process(
                    target=_client_process,
                    args=(host, port, "mnist", bodies, n, stop_at, queue),
                )
                for n in shares
            ]
            started = time.perf_counter()
            for c in children:
                c.start()
            results = [queue.get(timeout=duration + 120) for _ in children]
            for c in children:
                c.join()
            elapsed = time.perf_counter() - started
            rss_end = _rss_mib(server.pid)
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()

    latencies = np.array([t for r in results for t in r[0]]) * 1000
    statuses = {}
    for r in results:
        for s, c in r[1].items():
            statuses[s] = statuses.get(s, 0) + c
    errors = [e for r in results for e in r[2]]
    server_errors = sum(c for s, c in statuses.items() if s >= 500)
    batching = f"batch<= {args.batch_max_size}" if args.batch_max_size > 1 else "no batching"
    print(
        f"server: {backend} backend, {args.workers} worker(s), {batching}; "
        f"{clients} clients in {procs} processes for {duration:g} s"
    )
    print(f"requests:   {len(latencies)} ({len(latencies) / elapsed:.0f} requests/s)")
    if len(latencies):
        p50, p99 = np.percentile(latencies, [50, 99])
        print(f"latency:    p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {latencies.max():.1f} ms")
    print(f"statuses:   {dict(sorted(statuses.items()))}; 5xx: {server_errors}")
    print(f"conn errors: {len(errors)}{' (first: ' + errors[0] + ')' if errors else ''}")
    print(f"server RSS: {rss_start:.0f} MiB after warm-up, {rss_end:.0f} MiB at the end")
    return 1 if server_errors or errors else 0


if __name__ == "__main__":
    sys.exit(main())
