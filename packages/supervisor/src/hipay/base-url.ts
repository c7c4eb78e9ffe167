/**
 * Where the gateway is: HIPAY_URL when set (tests, sandboxes, proxies), else https:// + the host part of
 * HIPAY_LOGIN ("94654727.stage-secure-gateway.hipay-tpp.com" -> https://stage-secure-gateway.hipay-tpp.com).
 */
export function hipayBaseUrl(settings: { url?: string; login: string }): string {
  const url = settings.url?.trim();
  if (url) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`HIPAY_URL must be an http(s) URL such as https://stage-secure-gateway.hipay-tpp.com, got '${url}'`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new Error(`HIPAY_URL must start with https:// or http://, got '${url}'`);
    }
    return url.replace(/\/+$/, '');
  }
  const dot = settings.login.indexOf('.');
  const host = dot < 0 ? '' : settings.login.slice(dot + 1).trim();
  if (!/^[A-Za-z0-9.-]+$/.test(host) || !host.includes('.')) {
    throw new Error(
      `HIPAY_LOGIN should look like 94654727.stage-secure-gateway.hipay-tpp.com (the part after the first dot is the gateway host); set HIPAY_URL to name the gateway otherwise`,
    );
  }
  return `https://${host}`;
}
