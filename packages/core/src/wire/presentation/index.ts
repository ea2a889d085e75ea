/**
 * Presentation format: DNS data as zone files hold it and dig/kdig print it.
 *
 * Reading (`rdataFromText`) accepts what BIND's zone parser accepts, plus Knot's splitting of
 * TXT strings longer than 255 bytes (BIND 9.18 rejects those) and kdig's spellings where
 * they differ from BIND's (NOTIMPL, a BADTIME time as a number).
 *
 * Writing (`rdataToText`, `recordToText`, `messageToText`) follows kdig byte for byte,
 * which the golden tests check against Knot 3.2. Where dig and kdig differ we print what
 * kdig prints:
 *  - base64 (DNSKEY, RRSIG, ...) unbroken; dig breaks it into 56-character chunks;
 *  - NSEC3 next hashed owner names in lower case; dig uses upper case;
 *  - SvcParam values bare (alpn=h2,h3), keyNNNNN values always quoted; dig quotes alpn too;
 *  - CAA without kdig's trailing space;
 *  - the record line: owner padded to 20 columns, then tabs; dig aligns differently;
 *  - rcode NOTIMPL (dig: NOTIMP), and the EDNS section in kdig's wording.
 * Our own deviations from kdig, each where kdig's output would not read back or hides data:
 *  - data without a typed form that reads back to the same data (an empty DNSKEY key, an
 *    NSEC without types, a DS digest of the wrong length, inconsistent SvcParams, ...) is
 *    written as RFC 3597 `\# <length> <hex>`; kdig fails to print most of these;
 *  - an alpn list holding a space, ';' or a parenthesis is quoted as a whole;
 *  - a TSIG error without a name prints as its number (kdig: "Unknown"), other data that
 *    is not a 6-byte time as base64 like BIND (kdig cannot print it);
 *  - records of types without typed rdata print their mnemonic (LOC) with generic rdata;
 *  - every question is printed (kdig shows the first only), EDNS flag bits other than DO
 *    as bitN (as newer kdig does; 3.2 hides them), an OPT record given to recordToText in
 *    generic form.
 */
export { PresentationError, type TextToken } from './token.js';
export { rdataFromText, rdataToText } from './rdata-text.js';
export { recordToText, questionToText } from './record-text.js';
export { messageToText } from './message-text.js';
export { parseTtl, formatTtl, TtlError } from './ttl.js';
export {
  encodeHex,
  decodeHex,
  encodeBase64,
  decodeBase64,
  encodeBase32Hex,
  decodeBase32Hex,
} from './binary-text.js';
