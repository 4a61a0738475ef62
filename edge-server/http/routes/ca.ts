/**
 * @module The CA page: /ca (install steps, fingerprint, no script), /ca.crt (DER) and /ca.pem, so
 * that a tablet trusts the certificate of the HTTPS listener. Public: a CA certificate is no secret.
 */
import { createHash } from 'node:crypto';
import { ApiRoutes } from '../api-routes';
import { ApiError } from '../errors';
import { TAGS } from '../openapi';
import type { TlsMaterial } from '../../ops/tls';

export interface CaPageSource {
  tls: TlsMaterial;
  /** The HTTPS listener's port once it listens. */
  httpsPort: () => number | null;
}

const STYLE = `
body { font: 18px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 1rem auto; padding: 0 1rem; }
code { word-break: break-all; }
a.button { display: inline-block; padding: .8rem 1.2rem; background: #1456b8; color: #fff; border-radius: .4rem; text-decoration: none; }
li { margin: .3rem 0; }
`;

/** The page has no script and one style block, allowed by its hash. */
const PAGE_POLICY = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

/** https://<the host this page was asked on>:<HTTPS port>/ */
function appUrl(requestUrl: string, port: number | null): string | null {
  if (port === null) return null;
  const url = new URL(requestUrl);
  url.protocol = 'https:';
  url.port = String(port);
  url.pathname = '/';
  url.search = '';
  return url.toString();
}

function caPage(source: CaPageSource | null, requestUrl: string): string {
  if (!source) {
    return page(
      'HTTPS is off',
      '<p>This server runs with <code>HTTPS=off</code>: there is no certificate to install.</p>',
    );
  }
  const open = appUrl(requestUrl, source.httpsPort());
  const openLine = open
    ? `<p>Then open <a href="${escapeHtml(open)}"><code>${escapeHtml(open)}</code></a></p>`
    : '';
  const { ca, server } = source.tls;
  if (!ca) {
    return page(
      'This server uses its own certificate',
      `<p>The certificate this server serves was provided by its administrator (<code>TLS_CERT_FILE</code>),
issued by <code>${escapeHtml(server.issuer)}</code>. There is nothing to download here: a device that
trusts that issuer opens the app directly.</p>
<p>Certificate SHA-256 fingerprint:<br><code>${escapeHtml(server.fingerprint256)}</code></p>
${openLine}`,
    );
  }
  return page(
    'Install this site’s certificate',
    `<p>Tablets open the station app over HTTPS. Install this certificate once per device so that it
trusts this server: <strong>${escapeHtml(ca.subject)}</strong>.</p>
<p><a class="button" href="/ca.crt">Download the certificate</a> &nbsp; (<a href="/ca.pem">PEM</a>)</p>
<p>SHA-256 fingerprint (check it matches what the device shows):<br><code>${escapeHtml(ca.fingerprint256)}</code></p>
<h2>Android</h2>
<ol>
<li>Download the certificate above.</li>
<li>Settings › Security › More security settings › Encryption &amp; credentials › Install a certificate › CA certificate (the names vary by maker; search settings for “CA certificate”).</li>
<li>Confirm “Install anyway” and choose the downloaded <code>scan-station-ca.crt</code>.</li>
</ol>
<h2>iPad</h2>
<ol>
<li>Open this page in Safari and tap the download link; allow the configuration profile download.</li>
<li>Settings › General › VPN &amp; Device Management: tap the downloaded profile and install it.</li>
<li>Settings › General › About › Certificate Trust Settings: turn on full trust for this certificate.</li>
</ol>
${openLine}`,
  );
}

const NO_CA =
  'Not found when HTTPS is off, or when the server serves a certificate of its own (TLS_CERT_FILE).';

export function caRoutes(source: CaPageSource | null): ApiRoutes {
  const ca = (): NonNullable<TlsMaterial['ca']> => {
    const cert = source?.tls.ca;
    if (!cert) {
      throw new ApiError(
        'NOT_FOUND',
        source ? 'This server serves its own certificate (TLS_CERT_FILE); no CA to download' : 'HTTPS is off',
      );
    }
    return cert;
  };
  return new ApiRoutes({ tags: [TAGS.enrollment] })
    .get(
      '/ca',
      {
        operationId: 'getCaPage',
        summary: 'The CA page for tablets: fingerprint, download link, install steps (Android, iPad)',
        description:
          'Also over plain HTTP from the LAN, so that a tablet can fetch it before it trusts HTTPS.',
        responses: { 200: { description: 'An HTML page', media: { type: 'text/html' } } },
      },
      (c) =>
        c.html(caPage(source, c.req.url), 200, {
          'Cache-Control': 'no-cache',
          'Content-Security-Policy': PAGE_POLICY,
        }),
    )
    .get(
      '/ca.crt',
      {
        operationId: 'getCaCertificate',
        summary: 'The local CA certificate (DER) to install on a tablet',
        description: NO_CA,
        responses: {
          200: {
            description: 'The certificate',
            media: { type: 'application/x-x509-ca-cert', binary: true },
          },
        },
        errors: [404],
      },
      (c) =>
        c.body(new Uint8Array(ca().der), 200, {
          'Content-Type': 'application/x-x509-ca-cert',
          'Content-Disposition': 'attachment; filename="scan-station-ca.crt"',
          'Cache-Control': 'no-cache',
        }),
    )
    .get(
      '/ca.pem',
      {
        operationId: 'getCaPem',
        summary: 'The local CA certificate as PEM (NODE_EXTRA_CA_CERTS for a site forwarding to this hub)',
        description: NO_CA,
        responses: { 200: { description: 'The certificate', media: { type: 'application/x-pem-file' } } },
        errors: [404],
      },
      (c) =>
        c.body(ca().pem, 200, {
          'Content-Type': 'application/x-pem-file',
          'Content-Disposition': 'attachment; filename="scan-station-ca.pem"',
          'Cache-Control': 'no-cache',
        }),
    );
}
