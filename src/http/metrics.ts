/** Prometheus counters kept in process; `render()` is the text exposition format. */
export class Metrics {
  readonly #requests = new Map<string, Map<number, number>>();
  readonly #startedAt = Date.now();

  countRequest(route: string, status: number): void {
    let byStatus = this.#requests.get(route);
    if (!byStatus) {
      byStatus = new Map();
      this.#requests.set(route, byStatus);
    }
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }

  render(extra: Record<string, number>): string {
    const lines = [
      '# HELP switchyard_http_requests_total HTTP requests served, by route group and status.',
      '# TYPE switchyard_http_requests_total counter',
    ];
    for (const [route, byStatus] of this.#requests) {
      for (const [status, count] of byStatus) {
        lines.push(`switchyard_http_requests_total{route="${route}",status="${status}"} ${count}`);
      }
    }
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
