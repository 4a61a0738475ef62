/**
 * @module A station's enrollment link as an admin's answer gives it: `<origin>/#enroll=<code>` on the
 * origin the admin's request came to (the address the admin's browser reaches this server at), and
 * the same as a QR code for a tablet to scan. The code cannot be fetched again (only its hash is
 * kept), so the QR code comes with it.
 */
import { renderSVG } from 'uqr';

export function enrollLink(
  requestUrl: string,
  enrollCode: string,
): { enrollUrl: string; enrollQrSvg: string } {
  const enrollUrl = `${new URL(requestUrl).origin}/#enroll=${enrollCode}`;
  return { enrollUrl, enrollQrSvg: renderSVG(enrollUrl, { border: 4 }) };
}
