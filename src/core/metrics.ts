/**
 * The port between the feedback layer (which keeps metrics from the journal) and those who read
 * them: condition triggers (`metric: agent.failure_rate > 0.3`), reports, the dashboard. Metric
 * names are dotted (`bus.queued`, `agent.failure_rate`); labels pick one series (`{agent: "a1"}`).
 */
export interface MetricsReader {
  /** The current value, or undefined when the metric (or that series) has no value yet. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** Every metric name known now, for validation and completion. */
  names(): string[];
}
