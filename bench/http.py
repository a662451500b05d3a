"""A small HTTP load generator, run as its own process against a server on loopback.

    python -m bench.http plan.json > results.json

The plan names the server's port and, for each scenario, the requests to send: method, path,
token, body, and the status that counts as success. Requests marked `once` are each sent at
most once (logging hours, approving a request); the others are cycled. Each scenario runs at
each concurrency level for a bounded time and a bounded number of requests, with one
persistent thread per concurrent client. Prints JSON: requests per second and latency
percentiles per scenario and level.
"""

from __future__ import annotations

import http.client
import itertools
import json
import math
import sys
import threading
import time


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    # Nearest rank: the smallest value with at least `fraction` of the values at or below it.
    index = min(len(sorted_values) - 1, max(0, math.ceil(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def run(
    *,
    port: int,
    requests: list[dict],
    once: bool,
    concurrency: int,
    seconds: float,
    limit: int,
    warmup: int,
) -> dict:
    source = iter(requests) if once else itertools.cycle(requests)
    lock = threading.Lock()
    latencies: list[float] = []
    failures: list[str] = []
    sent = 0

    def next_request():
        nonlocal sent
        with lock:
            if sent >= limit + warmup:
                return None, 0
            sent += 1
            return next(source, None), sent

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            item, number = next_request()
            if item is None:
                return
            headers = {"Accept": "application/json", "Host": "127.0.0.1"}
            if item.get("token"):
                headers["Authorization"] = f"Token {item['token']}"
            body = None
            if item.get("body") is not None:
                body = json.dumps(item["body"])
                headers["Content-Type"] = "application/json"
            started = time.perf_counter()
            try:
                connection.request(item["method"], item["path"], body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                status, payload = 0, str(error).encode()
            elapsed = time.perf_counter() - started
            if number <= warmup:
                continue
            with lock:
                if status == item.get("expect", 200):
                    latencies.append(elapsed)
                else:
                    failures.append(f"{status} {payload[:200].decode(errors='replace')}")
        connection.close()

    deadline = time.perf_counter() + seconds
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    latencies.sort()
    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "failures": len(failures),
        "failure_sample": failures[:3],
        "seconds": round(wall, 3),
        "rps": len(latencies) / wall if wall else 0.0,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
    }


def main() -> None:
    with open(sys.argv[1]) as handle:
        plan = json.load(handle)
    results = []
    for concurrency in plan["concurrency"]:
        for scenario in plan["scenarios"]:
            requests = scenario["requests"]
            if scenario.get("once"):
                # Each level takes its own share of the requests that can be sent only once.
                share = len(requests) // len(plan["concurrency"])
                index = plan["concurrency"].index(concurrency)
                requests = requests[index * share : (index + 1) * share]
            figures = run(
                port=plan["port"],
                requests=requests,
                once=scenario.get("once", False),
                concurrency=concurrency,
                seconds=plan["seconds"],
                limit=plan["limit"],
                warmup=plan.get("warmup", 0),
            )
            results.append({"scenario": scenario["name"], **figures})
            sys.stderr.write(
                f"  {scenario['name']:<16} c={concurrency}: {figures['rps']:.0f} req/s, "
                f"p95 {figures['p95_ms']:.1f} ms, {figures['failures']} failed\n"
            )
    sys.stdout.write(json.dumps(results) + "\n")


if __name__ == "__main__":
    main()
