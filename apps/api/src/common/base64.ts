const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The bytes of standard, padded base64 (RFC 4648 §4, as `base64.b64encode` and
 * `Buffer.toString('base64')` write it), or null for anything else. Node's own decoder skips what
 * it does not understand ("!!!@@@" becomes no bytes, a valid start followed by garbage keeps the
 * start), so file contents are checked before they are decoded.
 */
export function decodeBase64(text: string): Buffer | null {
  return STANDARD_BASE64.test(text) ? Buffer.from(text, 'base64') : null;
}
