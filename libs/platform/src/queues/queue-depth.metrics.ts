import { getQueueToken } from '@nestjs/bullmq';
import type { Provider } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import { MetricsRegistry } from '../metrics/metrics.registry';

/** Job counts per queue and state, read from Redis at scrape time (what KEDA and dashboards watch). */
export function queueDepthMetrics(queueNames: readonly string[]): Provider {
  return {
    provide: 'QUEUE_DEPTH_METRICS',
    inject: [MetricsRegistry, ...queueNames.map((name) => getQueueToken(name))],
    useFactory: (metrics: MetricsRegistry, ...queues: Queue[]) =>
      new Gauge({
        name: 'concilia_queue_jobs',
        help: 'Jobs per queue and state',
        labelNames: ['queue', 'state'],
        registers: [metrics.registry],
        async collect() {
          for (const queue of queues) {
            const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed').catch(() => null);
            if (!counts) continue;
            for (const [state, count] of Object.entries(counts)) this.set({ queue: queue.name, state }, count);
          }
        },
      }),
  };
}
