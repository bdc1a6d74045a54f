import type { ModelTarget, RoutedEndpoint } from '../snapshot/config-snapshot.ts';

/** A number in [0, 1); injectable so traffic-split tests are exact. */
export type RandomSource = () => number;

/** Weighted pick over the primaries; zero-weight entries are never chosen. */
export function pickWeighted(
  primaries: RoutedEndpoint['primaries'],
  random: RandomSource,
): ModelTarget | undefined {
  let total = 0;
  for (const p of primaries) total += Math.max(0, p.weight);
  if (total <= 0) return undefined;
  let point = random() * total;
  for (const p of primaries) {
    const weight = Math.max(0, p.weight);
    if (weight === 0) continue;
    if (point < weight) return p.model;
    point -= weight;
  }
  return primaries.findLast((p) => p.weight > 0)?.model;
}

/**
 * The models one request may try, in order: the chosen primary (the first, or a weighted
 * pick for `traffic_split`), then the fallbacks by `order`. `fallback.max_attempts` caps how
 * many models are tried, the primary included; retries of one model do not count against it.
 */
export function planTargets(endpoint: RoutedEndpoint, random: RandomSource): ModelTarget[] {
  const primary =
    endpoint.policy.routing === 'traffic_split'
      ? pickWeighted(endpoint.primaries, random)
      : endpoint.primaries[0]?.model;
  const plan: ModelTarget[] = primary ? [primary] : [];
  for (const fallback of endpoint.fallbacks) if (!plan.includes(fallback)) plan.push(fallback);
  const cap = endpoint.policy.fallback?.max_attempts;
  return cap === undefined ? plan : plan.slice(0, Math.max(1, cap));
}
