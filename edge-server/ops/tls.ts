/**
 * @module The certificate the HTTPS listener serves: a local CA created once in DATA_DIR/tls and a
 * server certificate it signs for this machine's names and addresses (re-issued when they change or
 * it nears expiry), or the user's own pair from TLS_CERT_FILE + TLS_KEY_FILE.
 *
 *   start ──► TLS_CERT_FILE? ── yes ──► read both files, check they match ──► serve them
 *                 │ no
 *                 ▼
 *           tls/ca.crt usable? ── no (absent or expired) ──► new CA (P-256, 10 years)
 *                 │ yes
 *                 ▼
 *           tls/server.crt signed by it, key matches, >30 days left, covers every
 *           current name and address? ── no ──► new server certificate (≤ 825 days)
 *                 │ yes
 *                 ▼
 *               serve
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type * as X509 from '@peculiar/x509';
import type { Config } from '../config';
import { ConfigError } from '../config';
import type { Logger } from '../logger';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Long enough never to re-install on the tablets during a device's life. */
const CA_VALIDITY_DAYS = 3650;
/** Apple refuses TLS server certificates valid longer than 825 days, even under a user-installed root. */
const SERVER_VALIDITY_DAYS = 800;
/** A server certificate this close to its end is re-issued at start. */
const RENEW_BEFORE_DAYS = 30;
/** Certificates start a day in the past: a tablet whose clock lags still accepts them. */
const BACKDATE_MS = DAY_MS;
const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface CertificateInfo {
  pem: string;
  der: Buffer;
  /** SHA-256 of the DER, as colon-separated hex pairs (what Android and iOS show). */
  fingerprint256: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  /** The subject alternative names (DNS names and IP addresses). */
  names: string[];
}

export interface TlsMaterial {
  /** `local-ca`: this server's own CA signed the certificate; `provided`: TLS_CERT_FILE + TLS_KEY_FILE. */
  source: 'local-ca' | 'provided';
  /** PEM, as node:https takes them. */
  cert: string;
  key: string;
  server: CertificateInfo;
  /** The CA tablets install; null when the user's own certificate is served. */
  ca: CertificateInfo | null;
}

export interface LoadTlsOptions {
  /** This machine's non-internal addresses (injectable for tests); os.networkInterfaces() by default. */
  addresses?: () => string[];
  hostname?: string;
  now?: () => Date;
  log?: Logger;
}

/** The files under DATA_DIR/tls. */
export function tlsFiles(dataDir: string): {
  dir: string;
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
} {
  const dir = path.join(dataDir, 'tls');
  return {
    dir,
    caCert: path.join(dir, 'ca.crt'),
    caKey: path.join(dir, 'ca.key'),
    cert: path.join(dir, 'server.crt'),
    key: path.join(dir, 'server.key'),
  };
}

/** Every non-internal IPv4 and IPv6 address of this machine. */
export function hostAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal)
    .map((a) => a.address);
}

const isLinkLocal = (address: string): boolean => /^fe[89ab]/i.test(address);

export function isLoopback(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1' || address === 'localhost';
}

/**
 * The addresses at which a tablet on the LAN reaches a listener bound to `host`: every LAN address
 * for 0.0.0.0 (IPv4) or :: (both families; link-local IPv6 left out, a URL cannot carry its zone),
 * the host itself when it is one address, none for loopback.
 */
export function lanAddresses(host: string, addresses: string[] = hostAddresses()): string[] {
  if (host === '0.0.0.0') return addresses.filter((a) => !a.includes(':'));
  if (host === '::') return addresses.filter((a) => !isLinkLocal(a));
  return isLoopback(host) ? [] : [host];
}

/** `scheme://address:port` with IPv6 in brackets. */
export function originOf(scheme: 'http' | 'https', address: string, port: number): string {
  return `${scheme}://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** The names the server certificate must cover: loopback, the host name (also as .local), and every address. */
export function serverNames(hostname: string, addresses: string[]): { dns: string[]; ip: string[] } {
  const dns = ['localhost'];
  const host = hostname.toLowerCase().replace(/\.$/, '');
  // A name a DNS SAN cannot carry (spaces, underscores) is left out; the addresses still work.
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(host)) {
    const short = host.split('.')[0] ?? host;
    dns.push(host, host.endsWith('.local') ? host : `${short}.local`);
  }
  return { dns: [...new Set(dns)], ip: [...new Set(['127.0.0.1', '::1', ...addresses])] };
}

let x509Loaded: Promise<typeof X509> | null = null;

/**
 * @peculiar/x509, set up on Node's WebCrypto. Its DI container (tsyringe) needs the Reflect
 * metadata API, which reflect-metadata provides; both load on first use only.
 */
export function loadX509(): Promise<typeof X509> {
  x509Loaded ??= import('reflect-metadata').then(async () => {
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(globalThis.crypto);
    return x509;
  });
  return x509Loaded;
}

/** Writes through a temporary file and a rename, so a crash never leaves half a key or certificate. */
function writeAtomic(file: string, data: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
}

function readIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export function describeCertificate(pem: string): CertificateInfo {
  const cert = new crypto.X509Certificate(pem);
  return {
    pem: cert.toString(),
    der: cert.raw,
    fingerprint256: cert.fingerprint256,
    subject: cert.subject.replaceAll('\n', ', '),
    issuer: cert.issuer.replaceAll('\n', ', '),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    names: (cert.subjectAltName ?? '')
      .split(', ')
      .filter(Boolean)
      .map((n) => n.replace(/^(DNS|IP Address):/, '')),
  };
}

async function exportKey(x509: typeof X509, key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await globalThis.crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

function newKeys(): Promise<CryptoKeyPair> {
  return globalThis.crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
}

/** A positive 16-byte serial number (RFC 5280 allows up to 20). */
const serialNumber = (): string => `01${crypto.randomBytes(15).toString('hex')}`;

async function createCa(
  x509: typeof X509,
  label: string,
  now: Date,
): Promise<{ certPem: string; keyPem: string }> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: [{ CN: [`Scan station local CA (${label})`] }, { O: ['Scan station'] }],
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + CA_VALIDITY_DAYS * DAY_MS),
    keys,
    signingAlgorithm: EC_P256,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportKey(x509, keys.privateKey) };
}

async function createServerCertificate(
  x509: typeof X509,
  ca: { certPem: string; keyPem: string },
  hostname: string,
  names: { dns: string[]; ip: string[] },
  now: Date,
): Promise<{ certPem: string; keyPem: string }> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await globalThis.crypto.subtle.importKey(
    'pkcs8',
    crypto.createPrivateKey(ca.keyPem).export({ format: 'der', type: 'pkcs8' }),
    EC_P256,
    false,
    ['sign'],
  );
  const keys = await newKeys();
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: [{ CN: [hostname] }, { O: ['Scan station'] }],
    issuer: caCert.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + SERVER_VALIDITY_DAYS * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: EC_P256,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...names.dns.map((value) => ({ type: 'dns' as const, value })),
        ...names.ip.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportKey(x509, keys.privateKey) };
}

/** Why the stored server certificate cannot be served as it is, or null when it can. */
function serverCertificateProblem(
  { certPem, keyPem }: { certPem: string; keyPem: string },
  caPem: string,
  names: { dns: string[]; ip: string[] },
  now: Date,
): string | null {
  let cert: crypto.X509Certificate;
  try {
    cert = new crypto.X509Certificate(certPem);
    if (!cert.checkPrivateKey(crypto.createPrivateKey(keyPem))) return 'its key does not match';
  } catch {
    return 'unreadable';
  }
  if (!cert.verify(new crypto.X509Certificate(caPem).publicKey)) return 'not signed by this CA';
  if (Date.parse(cert.validTo) - now.getTime() < RENEW_BEFORE_DAYS * DAY_MS) return 'expires soon';
  const missing = [
    ...names.dns.filter((n) => cert.checkHost(n, { subject: 'never' }) === undefined),
    ...names.ip.filter((ip) => cert.checkIP(ip) === undefined),
  ];
  return missing.length > 0 ? `does not cover ${missing.join(', ')}` : null;
}

/** The CA in DATA_DIR/tls, or why a new one is needed; a CA that is there but unusable is an error. */
function readCa(files: ReturnType<typeof tlsFiles>, now: Date): { certPem: string; keyPem: string } | string {
  const certPem = readIfExists(files.caCert);
  // ca.crt is written last: a key without it is a creation that did not finish.
  if (certPem === null) return 'none yet';
  const keyPem = readIfExists(files.caKey);
  const unusable = (why: string): ConfigError =>
    new ConfigError(
      `${files.caCert}: ${why}; move ${files.dir} away to create a new local CA (tablets then install it again)`,
    );
  if (keyPem === null) throw unusable(`its key ${files.caKey} is missing`);
  let cert: crypto.X509Certificate;
  try {
    cert = new crypto.X509Certificate(certPem);
    const key = crypto.createPrivateKey(keyPem);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw unusable('its key is not an ECDSA P-256 key');
    }
    if (!cert.checkPrivateKey(key)) throw unusable(`its key ${files.caKey} does not match it`);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw unusable(`unreadable (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!cert.ca) throw unusable('not a CA certificate');
  if (Date.parse(cert.validTo) <= now.getTime()) return `expired on ${new Date(cert.validTo).toISOString()}`;
  return { certPem, keyPem };
}

function readProvided(variable: 'TLS_CERT_FILE' | 'TLS_KEY_FILE', file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `${variable}=${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}

/** Loads (creating or renewing what is needed) the certificate and key the HTTPS listener serves. */
export async function loadTls(
  config: Pick<Config, 'dataDir' | 'siteCode' | 'https'>,
  options: LoadTlsOptions = {},
): Promise<TlsMaterial> {
  const provided = config.https?.provided;
  if (provided) {
    const cert = readProvided('TLS_CERT_FILE', provided.certFile);
    const key = readProvided('TLS_KEY_FILE', provided.keyFile);
    try {
      tls.createSecureContext({ cert, key });
    } catch (error) {
      throw new ConfigError(
        `TLS_CERT_FILE=${provided.certFile} and TLS_KEY_FILE=${provided.keyFile} are not a PEM certificate and its key: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
    return { source: 'provided', cert, key, server: describeCertificate(cert), ca: null };
  }

  const now = (options.now ?? (() => new Date()))();
  const hostname = options.hostname ?? os.hostname();
  const files = tlsFiles(config.dataDir);
  fs.mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  const x509 = await loadX509();

  let ca = readCa(files, now);
  if (typeof ca === 'string') {
    const why = ca;
    ca = await createCa(x509, `${config.siteCode} on ${hostname}`, now);
    writeAtomic(files.caKey, ca.keyPem, 0o600);
    writeAtomic(files.caCert, ca.certPem, 0o644);
    options.log?.[why === 'none yet' ? 'info' : 'warn'](
      { file: files.caCert, reason: why, fingerprint256: describeCertificate(ca.certPem).fingerprint256 },
      'created a local CA: tablets install it from /ca once',
    );
  }

  const names = serverNames(hostname, (options.addresses ?? hostAddresses)());
  const storedCert = readIfExists(files.cert);
  const storedKey = readIfExists(files.key);
  let server = storedCert !== null && storedKey !== null ? { certPem: storedCert, keyPem: storedKey } : null;
  const problem = server ? serverCertificateProblem(server, ca.certPem, names, now) : 'none yet';
  if (problem !== null || server === null) {
    server = await createServerCertificate(x509, ca, hostname, names, now);
    writeAtomic(files.key, server.keyPem, 0o600);
    writeAtomic(files.cert, server.certPem, 0o644);
    options.log?.info(
      { file: files.cert, reason: problem, names: [...names.dns, ...names.ip] },
      'issued the server certificate',
    );
  }
  return {
    source: 'local-ca',
    cert: server.certPem,
    key: server.keyPem,
    server: describeCertificate(server.certPem),
    ca: describeCertificate(ca.certPem),
  };
}
