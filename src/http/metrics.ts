/** Prometheus counters kept in process; `render()` is the text exposition format. */
export class Metrics {
  readonly #requests = new Map<string, number>();
  readonly #startedAt = Date.now();

  countRequest(route: string, status: number): void {
    const key = `route="${route}",status="${status}"`;
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
  }

  render(extra: Record<string, number>): string {
    const lines = [
      '# HELP switchyard_http_requests_total HTTP requests served, by route group and status.',
      '# TYPE switchyard_http_requests_total counter',
    ];
    for (const [labels, count] of this.#requests)
      lines.push(`switchyard_http_requests_total{${labels}} ${count}`);
    const memory = process.memoryUsage();
    const gauges: Record<string, number> = {
      switchyard_uptime_seconds: (Date.now() - this.#startedAt) / 1000,
      process_resident_memory_bytes: memory.rss,
      nodejs_heap_used_bytes: memory.heapUsed,
      ...extra,
    };
    for (const [name, value] of Object.entries(gauges)) {
      lines.push(`# TYPE ${name} gauge`, `${name} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
