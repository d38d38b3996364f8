/**
 * Whether a message's topic matches one of an integration's topic filters (MQTT wildcards `+` and
 * `#`; a shared subscription's `$share/<group>/` prefix is not part of the filter). The broker sends
 * only matching messages, except for a subscription an earlier configuration left in a persistent
 * session: what arrives through that one is not the integration's data any more.
 */
export function topicMatcher(filters: string[]): (topic: string) => boolean {
  const plain = filters.map((f) => (f.startsWith('$share/') ? f.split('/').slice(2).join('/') : f));
  if (plain.includes('#')) return () => true;
  const exact = new Set(plain.filter((f) => !f.includes('+') && !f.includes('#')));
  const wild = plain.filter((f) => !exact.has(f));
  if (!wild.length) return (topic) => exact.has(topic);
  // one regular expression for the wildcard filters: this runs for every message (a split of the topic
  // per message was ~5% of the server's CPU at full rate)
  const any = new RegExp(`^(?:${wild.map(filterPattern).join('|')})$`);
  // topics starting with '$' are not matched by a filter starting with a wildcard (MQTT 3.1.1 §4.7.2)
  const literalFirst = wild.filter((f) => f[0] !== '+' && f[0] !== '#');
  const system = literalFirst.length ? new RegExp(`^(?:${literalFirst.map(filterPattern).join('|')})$`) : null;
  return (topic) => exact.has(topic) || (topic.charCodeAt(0) === 36 /* $ */ ? !!system?.test(topic) : any.test(topic));
}

/** A filter as a pattern: `+` one level, a trailing `/#` the rest including the parent level, the rest literal. */
function filterPattern(filter: string): string {
  const levels = filter.split('/');
  let out = '';
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    if (l === '#') return out + (i ? '(?:/.*)?' : '.*');
    out += (i ? '/' : '') + (l === '+' ? '[^/]*' : l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
  return out;
}
