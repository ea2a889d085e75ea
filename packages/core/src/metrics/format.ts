/**
 * A number as Go prints it with strconv.FormatFloat(v, 'g', -1, 64), which is how the
 * Prometheus client CoreDNS uses writes bucket bounds (`le="0.00025"`): the shortest
 * digits that read back as the same number, in exponent form ("1e+06", two exponent
 * digits at least) when the decimal exponent is below -4 or at least 6.
 */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const [mantissa, exponentText] = v.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const abs = Math.abs(exponent);
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  return String(v);
}
