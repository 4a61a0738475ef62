/** The systemd unit carries the settings of the shell it was written from (SPEC OP-8). */
import { describe, expect, it } from 'vitest';
import { SETTING_NAMES } from '../../edge-server/config';
import type { ServiceFiles } from '../../edge-server/ops/service-unit';
import { serviceFiles } from '../../edge-server/ops/service-unit';

const SECRETS = ['UPSTREAM_CREDENTIAL', 'NATS_URL'];

function filesFor(env: Record<string, string>): ServiceFiles {
  return serviceFiles({ root: '/srv/scan-station', node: '/usr/bin/node', dataDir: '/var/lib/scan', env });
}

function environmentOf(unit: string): Record<string, string> {
  return Object.fromEntries(
    [...unit.matchAll(/^Environment="([A-Z0-9_]+)=(.*)"$/gm)].map((m) => [m[1] as string, m[2] as string]),
  );
}

describe('service-unit', () => {
  it('OP-8: every setting set where the command runs is in the unit, but LOG_FORMAT (JSON), DATA_DIR (the command’s) and the secrets', () => {
    const env = Object.fromEntries(SETTING_NAMES.map((name) => [name, `value of ${name}`]));
    const files = filesFor(env);
    const expected = Object.fromEntries(
      SETTING_NAMES.map((name) => [name, `value of ${name}`] as const).filter(
        ([name]) => name !== 'DATA_DIR' && name !== 'LOG_FORMAT' && !SECRETS.includes(name),
      ),
    );
    expect(environmentOf(files.unit)).toEqual({ ...expected, DATA_DIR: '/var/lib/scan', LOG_FORMAT: 'json' });
    // Shift hours, forwarding and archiving were once left out: set at the shell, lost in the service.
    for (const name of [
      'SHIFT_HOURS',
      'FORWARD_MAX_IN_FLIGHT',
      'ARCHIVE_INTERVAL_HOURS',
      'STATION_QUIET_SECONDS',
    ])
      expect(environmentOf(files.unit)[name]).toBe(`value of ${name}`);
  });

  it('OP-8: the credential and the NATS URL go to an environment file in DATA_DIR, never into the unit', () => {
    const files = filesFor({
      SITE_CODE: 'BKK-1',
      UPSTREAM_CREDENTIAL: 's3cret"with\\quote',
      NATS_URL: 'nats://edge:pa%ss@hub:4222',
    });
    expect(files.unit).not.toContain('s3cret');
    expect(files.unit).not.toContain('pa%ss');
    expect(files.unit).toContain('EnvironmentFile=/var/lib/scan/service.env\n');
    expect(files.secrets).toEqual({
      file: '/var/lib/scan/service.env',
      text: 'UPSTREAM_CREDENTIAL="s3cret\\"with\\\\quote"\nNATS_URL="nats://edge:pa%ss@hub:4222"\n',
    });
    // No secret set: no file, and the unit names none.
    const plain = filesFor({ SITE_CODE: 'BKK-1' });
    expect(plain.secrets).toBeNull();
    expect(plain.unit).not.toContain('EnvironmentFile');
  });

  it('OP-8: a % is written %% in the unit (systemd reads % as a specifier); a line break is refused naming the setting', () => {
    expect(filesFor({ UPSTREAM_URL: 'https://hub.example/site%2F1' }).unit).toContain(
      'Environment="UPSTREAM_URL=https://hub.example/site%%2F1"',
    );
    expect(() => filesFor({ SITE_CODE: 'BKK-1\nExecStartPre=/bin/false' })).toThrow(
      'SITE_CODE: a value in a systemd unit cannot hold a line break',
    );
  });

  it('OP-8: a setting left unset or empty is not written', () => {
    expect(environmentOf(filesFor({ SITE_CODE: 'BKK-1', UPSTREAM_URL: '' }).unit)).toEqual({
      DATA_DIR: '/var/lib/scan',
      LOG_FORMAT: 'json',
      SITE_CODE: 'BKK-1',
    });
  });
});
