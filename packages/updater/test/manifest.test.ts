import { parseManifest } from '../src/manifest';

const SHA = 'a'.repeat(64);

describe('parseManifest (manifest.json of an UPDATE_SOURCE)', () => {
  test('reads version, archive and sha256 (hex in either case)', () => {
    expect(parseManifest(JSON.stringify({ version: '0.2.0', archive: 'ecr-0.2.0.tar.gz', sha256: SHA.toUpperCase() }))).toEqual({
      ok: true,
      value: { version: '0.2.0', archive: 'ecr-0.2.0.tar.gz', sha256: SHA },
    });
  });

  test.each([
    ['not JSON', '{version', /manifest\.json is not JSON/],
    ['an array', '[]', /must be an object with version, archive and sha256/],
    ['a bad version', JSON.stringify({ version: '2', archive: 'a.tar.gz', sha256: SHA }), /version "2" is not a version such as "0\.2\.0"/],
    ['an archive in another folder', JSON.stringify({ version: '0.2.0', archive: '../etc/a.tar.gz', sha256: SHA }), /archive "\.\.\/etc\/a\.tar\.gz" is not the name of a \.tar\.gz file beside the manifest/],
    ['a zip archive', JSON.stringify({ version: '0.2.0', archive: 'a.zip', sha256: SHA }), /archive "a\.zip"/],
    ['a short sha256', JSON.stringify({ version: '0.2.0', archive: 'a.tar.gz', sha256: 'abc' }), /sha256 "abc" is not 64 hexadecimal digits/],
    ['no sha256', JSON.stringify({ version: '0.2.0', archive: 'a.tar.gz' }), /sha256 undefined is not 64 hexadecimal digits/],
  ])('refuses %s with one line naming the field', (_what, text, message) => {
    const check = parseManifest(text);
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.error).toMatch(message);
    expect(check.ok ? '' : check.error).not.toContain('\n');
  });
});
