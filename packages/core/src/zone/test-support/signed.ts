/**
 * A small zone with a hand-written NSEC chain and placeholder signatures (lookups never
 * verify them). Canonical order: example. a b(ENT) c.b cut insec ns1 svc w(ENT) *.w x.w z.
 */
const SIG = '13 2 3600 20300101000000 20200101000000 1 example. AAAA';
const sig = (owner: string, type: string, labels: number) =>
  `${owner} RRSIG ${type} ${SIG.replace(/^13 2/, `13 ${labels}`)}\n`;

export const SIGNED =
  `$ORIGIN example.
$TTL 3600
@ SOA ns1 h 1 2 3 4 300
@ NS ns1
@ NSEC a.example. NS SOA RRSIG NSEC
` +
  sig('@', 'SOA', 1) +
  sig('@', 'NS', 1) +
  sig('@', 'NSEC', 1) +
  `a A 192.0.2.1
a NSEC c.b.example. A RRSIG NSEC
` +
  sig('a', 'A', 2) +
  sig('a', 'NSEC', 2) +
  `c.b A 192.0.2.3
c.b NSEC cut.example. A RRSIG NSEC
` +
  sig('c.b', 'A', 3) +
  sig('c.b', 'NSEC', 3) +
  `cut NS ns.cut
cut DS 1 13 2 0000000000000000000000000000000000000000000000000000000000000000
cut NSEC insec.example. NS DS RRSIG NSEC
ns.cut A 192.0.2.53
` +
  sig('cut', 'DS', 2) +
  sig('cut', 'NSEC', 2) +
  `insec NS ns.example.net.
insec NSEC ns1.example. NS RRSIG NSEC
` +
  sig('insec', 'NSEC', 2) +
  `ns1 A 192.0.2.2
ns1 NSEC svc.example. A RRSIG NSEC
` +
  sig('ns1', 'A', 2) +
  sig('ns1', 'NSEC', 2) +
  `svc SVCB 1 ns1
svc NSEC *.w.example. SVCB RRSIG NSEC
` +
  sig('svc', 'SVCB', 2) +
  sig('svc', 'NSEC', 2) +
  `*.w A 192.0.2.9
*.w TXT "wild"
*.w NSEC x.w.example. A TXT RRSIG NSEC
` +
  sig('*.w', 'A', 2) +
  sig('*.w', 'TXT', 2) +
  sig('*.w', 'NSEC', 3) +
  `x.w A 192.0.2.10
x.w NSEC z.example. A RRSIG NSEC
` +
  sig('x.w', 'A', 3) +
  sig('x.w', 'NSEC', 3) +
  `z CNAME a
z NSEC example. CNAME RRSIG NSEC
` +
  sig('z', 'CNAME', 2) +
  sig('z', 'NSEC', 2);
