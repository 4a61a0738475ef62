/**
 * HTTPS for tablets: the local CA and the server certificate in DATA_DIR/tls (created, reused,
 * re-issued), the user's own pair, the CA page, plain HTTP's redirect for LAN browsers, the HTTPS
 * listener of `npm start`, and enrollment links as QR codes.
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { enrollmentLinks } from '../../edge-server/admin/stations';
import type { Config } from '../../edge-server/config';
import { ConfigError, loadConfig } from '../../edge-server/config';
import type { DemoFile } from '../../edge-server/ops/demo';
import type { RunningServer } from '../../edge-server/http/server';
import { httpsRedirect, startServer } from '../../edge-server/http/server';
import type { EdgeCore } from '../../edge-server/edge';
import { openEdgeCore } from '../../edge-server/edge';
import type { TlsMaterial } from '../../edge-server/ops/tls';
import { hostAddresses, loadTls, loadX509, tlsFiles } from '../../edge-server/ops/tls';
import { startTestEdge, tempDir, testConfig } from '../support/edge';
import { startEdge, stopAllEdges, stopEdge } from '../support/edge-process';

const DAY_MS = 24 * 60 * 60 * 1000;
const PROJECT_ROOT = path.join(import.meta.dirname, '../..');
const dirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await stopAllEdges();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = tempDir('scan-tls-');
  dirs.push(dir);
  return dir;
}

function config(dir: string, env: Record<string, string> = {}): Config {
  return testConfig(dir, { HOST: '127.0.0.1', HTTPS_PORT: '0', ...env });
}

/** A site with the demo and both listeners on loopback (or `host`), closed after the file. */
async function startHttps(
  cfg: Config,
  tlsMaterial: TlsMaterial,
  host = '127.0.0.1',
): Promise<{ core: EdgeCore; server: RunningServer }> {
  const core = openEdgeCore(cfg, { log: pino({ level: 'silent' }), defaultMetrics: false });
  const server = await startServer(core, 0, host, { port: 0, tls: tlsMaterial });
  cleanups.push(async () => {
    await server.close();
    core.close();
  });
  return { core, server };
}

/** A TLS handshake to 127.0.0.1 naming `servername`; resolves with the certificate the server showed. */
function handshake(port: number, servername: string, ca?: string): Promise<crypto.X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername, ...(ca ? { ca } : {}) }, () => {
      const peer = socket.getPeerX509Certificate();
      socket.end();
      if (peer) resolve(peer);
      else reject(new Error('no peer certificate'));
    });
    socket.once('error', reject);
  });
}

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .once('error', reject);
  });
}

const lanIpv4 = hostAddresses().find((a) => !a.includes(':'));

describe('the local CA and the server certificate (DATA_DIR/tls)', () => {
  it('HT-6: the first start creates a CA and a server certificate (keys 0600, no temp files left); the second reuses both', async () => {
    const dir = dataDir();
    const options = { addresses: () => ['192.0.2.10'], hostname: 'station-box' };
    const first = await loadTls(config(dir), options);
    const files = tlsFiles(dir);
    expect(fs.readdirSync(files.dir).sort()).toEqual(['ca.crt', 'ca.key', 'server.crt', 'server.key']);
    expect(fs.statSync(files.caKey).mode & 0o777).toBe(0o600);
    expect(fs.statSync(files.key).mode & 0o777).toBe(0o600);
    expect(first.source).toBe('local-ca');

    const second = await loadTls(config(dir), options);
    expect(second.ca?.fingerprint256).toBe(first.ca?.fingerprint256);
    expect(second.server.fingerprint256).toBe(first.server.fingerprint256);
    expect(second.key).toBe(first.key);
  });

  it('HT-6: the server certificate covers loopback, the host name and every address, serves TLS only, and lasts at most 825 days; the CA is a P-256 CA named after the site and host', async () => {
    const dir = dataDir();
    const material = await loadTls(config(dir), {
      addresses: () => ['192.0.2.10', 'fd00::10'],
      hostname: 'Station-Box',
    });
    const cert = new crypto.X509Certificate(material.cert);
    for (const name of ['localhost', 'station-box', 'station-box.local']) {
      expect(cert.checkHost(name, { subject: 'never' })).toBe(name);
    }
    for (const ip of ['127.0.0.1', '::1', '192.0.2.10', 'fd00::10']) expect(cert.checkIP(ip)).toBe(ip);
    expect(cert.checkIP('192.0.2.99')).toBeUndefined();
    expect(Date.parse(cert.validTo) - Date.parse(cert.validFrom)).toBeLessThanOrEqual(825 * DAY_MS);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth
    expect(cert.ca).toBe(false);

    const ca = new crypto.X509Certificate(material.ca?.pem ?? '');
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toContain('CN=Scan station local CA (SITE-1 on Station-Box)');
    expect(ca.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(Date.parse(ca.validTo) - Date.now()).toBeGreaterThan(9 * 365 * DAY_MS);
  });

  it('HT-6: a new address re-issues the server certificate and keeps the CA; an address gone does not; nor does time, until 30 days before the end', async () => {
    const dir = dataDir();
    const load = (addresses: string[], now = new Date()) =>
      loadTls(config(dir), { addresses: () => addresses, hostname: 'box', now: () => now });
    const first = await load(['192.0.2.10', '192.0.2.11']);
    const fewer = await load(['192.0.2.10']);
    expect(fewer.server.fingerprint256).toBe(first.server.fingerprint256);

    const moved = await load(['192.0.2.12']); // DHCP gave another address
    expect(moved.server.fingerprint256).not.toBe(first.server.fingerprint256);
    expect(moved.ca?.fingerprint256).toBe(first.ca?.fingerprint256);
    expect(new crypto.X509Certificate(moved.cert).checkIP('192.0.2.12')).toBe('192.0.2.12');

    const end = Date.parse(moved.server.notAfter);
    const stillFine = await load(['192.0.2.12'], new Date(end - 31 * DAY_MS));
    expect(stillFine.server.fingerprint256).toBe(moved.server.fingerprint256);
    const renewed = await load(['192.0.2.12'], new Date(end - 29 * DAY_MS));
    expect(renewed.server.fingerprint256).not.toBe(moved.server.fingerprint256);
    expect(renewed.ca?.fingerprint256).toBe(first.ca?.fingerprint256);
  });

  it('HT-6: a CA whose key is gone is an error naming the file, never silently replaced (tablets trust it)', async () => {
    const dir = dataDir();
    const first = await loadTls(config(dir), { addresses: () => [] });
    fs.rmSync(tlsFiles(dir).caKey);
    await expect(loadTls(config(dir), { addresses: () => [] })).rejects.toThrow(
      /ca\.crt: its key .*ca\.key is missing; move .*tls away to create a new local CA/,
    );
    expect(new crypto.X509Certificate(fs.readFileSync(tlsFiles(dir).caCert)).fingerprint256).toBe(
      first.ca?.fingerprint256,
    );
  });

  it('HT-4, HT-6: over HTTPS the chain verifies for 127.0.0.1 and localhost with the CA, and fails without it or for another name', async () => {
    const dir = dataDir();
    const cfg = config(dir);
    const material = await loadTls(cfg);
    const { server } = await startHttps(cfg, material);
    const port = server.httpsPort ?? 0;
    const ca = material.ca?.pem ?? '';
    expect(server.httpsUrl).toBe(`https://127.0.0.1:${port}`);

    const health = await httpsGet(`https://127.0.0.1:${port}/api/v1/health`, ca);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });
    const peer = await handshake(port, 'localhost', ca);
    expect(peer.fingerprint256).toBe(material.server.fingerprint256);

    await expect(handshake(port, 'localhost')).rejects.toMatchObject({
      code: expect.stringMatching(
        /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT/,
      ),
    });
    await expect(httpsGet(`https://127.0.0.1:${port}/api/v1/health`, '')).rejects.toThrow();
    await expect(handshake(port, 'example.com', ca)).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });
});

describe('a certificate of the user’s own (TLS_CERT_FILE + TLS_KEY_FILE)', () => {
  async function userPair(dir: string): Promise<{ certFile: string; keyFile: string; certPem: string }> {
    const x509 = await loadX509();
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = await globalThis.crypto.subtle.generateKey(alg, true, ['sign', 'verify']);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=scan.factory.example, O=Factory IT',
      keys,
      signingAlgorithm: alg,
      extensions: [
        new x509.SubjectAlternativeNameExtension([
          { type: 'dns', value: 'localhost' },
          { type: 'ip', value: '127.0.0.1' },
        ]),
      ],
    });
    const keyPem = x509.PemConverter.encode(
      await globalThis.crypto.subtle.exportKey('pkcs8', keys.privateKey),
      'PRIVATE KEY',
    );
    const certFile = path.join(dir, 'user.crt');
    const keyFile = path.join(dir, 'user.key');
    fs.writeFileSync(certFile, cert.toString('pem'));
    fs.writeFileSync(keyFile, keyPem, { mode: 0o600 });
    return { certFile, keyFile, certPem: cert.toString('pem') };
  }

  it('HT-7: is served as given, no local CA is created, and the CA page says so and offers no download', async () => {
    const dir = dataDir();
    const pair = await userPair(dir);
    const cfg = config(path.join(dir, 'data'), { TLS_CERT_FILE: pair.certFile, TLS_KEY_FILE: pair.keyFile });
    const material = await loadTls(cfg);
    expect(material).toMatchObject({ source: 'provided', ca: null });
    expect(fs.existsSync(tlsFiles(cfg.dataDir).dir)).toBe(false);

    const { server } = await startHttps(cfg, material);
    const peer = await handshake(server.httpsPort ?? 0, 'localhost', pair.certPem);
    expect(peer.fingerprint256).toBe(new crypto.X509Certificate(pair.certPem).fingerprint256);

    const page = await fetch(`${server.url}/ca`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('This server uses its own certificate');
    expect(html).not.toContain('href="/ca.crt"');
    expect((await fetch(`${server.url}/ca.crt`)).status).toBe(404);
  });

  it('HT-7: one variable without the other, a file that cannot be read, or a key of another certificate is refused naming the variable', async () => {
    const dir = dataDir();
    const pair = await userPair(dir);
    expect(() => loadConfig({ DATA_DIR: dir, TLS_CERT_FILE: pair.certFile })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dir, TLS_CERT_FILE: pair.certFile })).toThrow(
      /TLS_KEY_FILE is not set/,
    );
    expect(() => loadConfig({ DATA_DIR: dir, TLS_KEY_FILE: pair.keyFile })).toThrow(
      /TLS_CERT_FILE is not set/,
    );
    // HTTPS=off: the files do not matter.
    expect(loadConfig({ DATA_DIR: dir, HTTPS: 'off', TLS_CERT_FILE: pair.certFile }).https).toBeNull();

    const missingKey = path.join(dir, 'nowhere.key');
    await expect(
      loadTls(config(dir, { TLS_CERT_FILE: pair.certFile, TLS_KEY_FILE: missingKey })),
    ).rejects.toThrow(new RegExp(`TLS_KEY_FILE=${missingKey} cannot be read: ENOENT`));

    const other = await userPair(dataDir());
    await expect(
      loadTls(config(dir, { TLS_CERT_FILE: pair.certFile, TLS_KEY_FILE: other.keyFile })),
    ).rejects.toThrow(/TLS_CERT_FILE=.* and TLS_KEY_FILE=.* are not a PEM certificate and its key/);
  });
});

describe('the CA page and plain HTTP', () => {
  it('HT-4: /ca.crt is the DER whose SHA-256 is the fingerprint /ca shows; /ca.pem is the same certificate; /ca names the HTTPS address', async () => {
    const dir = dataDir();
    const cfg = config(dir);
    const material = await loadTls(cfg);
    const { server } = await startHttps(cfg, material);

    const page = await fetch(`${server.url}/ca`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    const shown = /([0-9A-F]{2}(?::[0-9A-F]{2}){31})/.exec(html)?.[1];
    expect(html).toContain(`https://127.0.0.1:${server.httpsPort}/`);
    expect(html).toMatch(/Encryption &amp; credentials/);
    expect(html).toMatch(/Certificate Trust Settings/);
    expect(html).not.toMatch(/<script/i);

    const crt = await fetch(`${server.url}/ca.crt`);
    expect(crt.headers.get('content-type')).toBe('application/x-x509-ca-cert');
    expect(crt.headers.get('content-disposition')).toBe('attachment; filename="scan-station-ca.crt"');
    const der = Buffer.from(await crt.arrayBuffer());
    const digest = crypto.createHash('sha256').update(der).digest('hex').toUpperCase();
    expect(shown?.replaceAll(':', '')).toBe(digest);
    expect(shown).toBe(material.ca?.fingerprint256);

    const pem = await (await fetch(`${server.url}/ca.pem`)).text();
    expect(new crypto.X509Certificate(pem).raw.equals(der)).toBe(true);
    // The HTTPS listener serves the same page.
    expect((await httpsGet(`${server.httpsUrl}/ca`, material.ca?.pem ?? '')).body).toContain(shown);
  });

  it('HT-4: a browser on another machine is sent to HTTPS (308, same path); this machine, the API, the CA page and non-page requests are answered over HTTP', () => {
    const page = (url: string, init: RequestInit = {}) =>
      new Request(url, { headers: { accept: 'text/html,application/xhtml+xml' }, ...init });
    const moved = httpsRedirect(page('http://192.0.2.2:8080/stations?x=1'), '192.0.2.50', 8443);
    expect(moved?.status).toBe(308);
    expect(moved?.headers.get('location')).toBe('https://192.0.2.2:8443/stations?x=1');
    expect(moved?.headers.get('cache-control')).toBe('no-store');
    expect(httpsRedirect(page('http://[fd00::2]:8080/'), 'fd00::50', 8443)?.headers.get('location')).toBe(
      'https://[fd00::2]:8443/',
    );
    for (const loopback of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      expect(httpsRedirect(page('http://localhost:8080/'), loopback, 8443)).toBeNull();
    }
    for (const pathname of ['/ca', '/ca.crt', '/ca.pem', '/api/v1/health', '/metrics']) {
      expect(httpsRedirect(page(`http://192.0.2.2:8080${pathname}`), '192.0.2.50', 8443)).toBeNull();
    }
    expect(httpsRedirect(page('http://192.0.2.2:8080/', { method: 'POST' }), '192.0.2.50', 8443)).toBeNull();
    expect(httpsRedirect(new Request('http://192.0.2.2:8080/app.js'), '192.0.2.50', 8443)).toBeNull();
  });

  it.skipIf(lanIpv4 === undefined)(
    'HT-4: through real sockets on this machine’s LAN address: the page is redirected, the API and /ca answer, and the https URL verifies with the CA',
    async () => {
      const lan = lanIpv4 ?? '';
      const dir = dataDir();
      const cfg = config(dir, { HOST: '0.0.0.0' });
      const material = await loadTls(cfg);
      const { server } = await startHttps(cfg, material, '0.0.0.0');
      const accept = { accept: 'text/html' };

      const moved = await fetch(`http://${lan}:${server.port}/stations`, {
        headers: accept,
        redirect: 'manual',
      });
      expect(moved.status).toBe(308);
      const location = moved.headers.get('location') ?? '';
      expect(location).toBe(`https://${lan}:${server.httpsPort}/stations`);
      expect((await fetch(`http://127.0.0.1:${server.port}/stations`, { headers: accept })).status).not.toBe(
        308,
      );
      expect((await fetch(`http://${lan}:${server.port}/api/v1/health`, { headers: accept })).status).toBe(
        200,
      );
      const caPage = await fetch(`http://${lan}:${server.port}/ca`, { headers: accept, redirect: 'manual' });
      expect(caPage.status).toBe(200);
      expect(await caPage.text()).toContain(`https://${lan}:${server.httpsPort}/`);

      const health = await httpsGet(
        `https://${lan}:${server.httpsPort}/api/v1/health`,
        material.ca?.pem ?? '',
      );
      expect(health.status).toBe(200);
    },
  );
});

describe('npm start with HTTPS', () => {
  it('HT-4, AD-7: HTTPS_PORT=0 logs an https URL that answers /api/v1/health with the CA from DATA_DIR/tls; demo.json has no LAN links on loopback; HTTPS=off has no HTTPS listener', async () => {
    const dir = dataDir();
    const edge = await startEdge(dir);
    expect(edge.httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = fs.readFileSync(tlsFiles(dir).caCert, 'utf8');
    const health = await httpsGet(`${edge.httpsUrl}/api/v1/health`, ca);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', site: 'SITE-1' });
    const demo = JSON.parse(fs.readFileSync(path.join(dir, 'demo.json'), 'utf8')) as DemoFile;
    expect(demo.stations.every((s) => s.lanEnrollUrls.length === 0)).toBe(true);
    expect(edge.logs.filter((l) => l.includes('demo station enrollment link'))).toHaveLength(
      demo.stations.length,
    );
    await stopEdge(edge);

    const off = await startEdge(dataDir(), { HTTPS: 'off', DEMO: '0' });
    expect(off.httpsUrl).toBeNull();
    await stopEdge(off);
  });
});

describe('enrollment links as QR codes', () => {
  it('AD-7: the admin API answers the link with its QR code as SVG', async () => {
    const edge = await startTestEdge();
    cleanups.push(() => edge.close());
    const admin = await edge.login('admin');
    const res = await fetch(`${edge.url}/api/v1/admin/stations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'TABLET-QR', workCenter: 'WC-CUT' }),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { enrollUrl: string; enrollQrSvg: string };
    expect(body.enrollQrSvg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(body.enrollQrSvg).toMatch(/<\/svg>$/);
  });

  it('AD-7: `enroll-station` prints the JSON, then the link and its QR code', async () => {
    const edge = await startTestEdge();
    cleanups.push(() => edge.close());
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (value !== undefined && !key.startsWith('VITEST') && key !== 'NODE_OPTIONS') env[key] = value;
    }
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'edge-server/cli.ts',
        'enroll-station',
        '--name',
        'TABLET-CLI',
        '--work-center',
        'WC-CUT',
      ],
      { cwd: PROJECT_ROOT, env: { ...env, DATA_DIR: edge.dataDir, HOST: '127.0.0.1', PORT: '8080' } },
    );
    const [json = '', rest = ''] = stdout.split('\n\nenrollment link');
    const printed = JSON.parse(json) as { enrollCode: string; enrollUrl: string; lanEnrollUrls: string[] };
    const link = `http://localhost:8080/#enroll=${printed.enrollCode}`;
    expect(printed).toMatchObject({ enrollUrl: link, lanEnrollUrls: [] });
    expect(rest).toContain(`\n${link}\n`);
    expect(rest).toMatch(/[█▀▄]{20}/);
  });

  it('AD-7: LAN links are https on the configured HTTPS_PORT at each address a tablet can reach', () => {
    const addresses = ['192.0.2.7', 'fd00::7', 'fe80::1'];
    const https8443 = { port: 8443, provided: null };
    const links = (host: string, httpsConfig: Config['https'] = https8443) =>
      enrollmentLinks({ port: 8080, host, https: httpsConfig }, 'enr_x', addresses);
    expect(links('0.0.0.0')).toEqual({
      enrollUrl: 'http://localhost:8080/#enroll=enr_x',
      lanEnrollUrls: ['https://192.0.2.7:8443/#enroll=enr_x'],
    });
    expect(links('::').lanEnrollUrls).toEqual([
      'https://192.0.2.7:8443/#enroll=enr_x',
      'https://[fd00::7]:8443/#enroll=enr_x',
    ]);
    expect(links('192.0.2.7').lanEnrollUrls).toEqual(['https://192.0.2.7:8443/#enroll=enr_x']);
    expect(links('127.0.0.1').lanEnrollUrls).toEqual([]);
    expect(links('0.0.0.0', null).lanEnrollUrls).toEqual([]);
    expect(links('0.0.0.0', { port: 0, provided: null }).lanEnrollUrls).toEqual([]);
  });
});
