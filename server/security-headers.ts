// Headers on every response (ATK-29, ATK-30): no inline script or eval, no framing, no referrer, nothing
// loaded from elsewhere. HSTS only when served over HTTPS (behind a proxy that says so).
import { secureHeaders } from 'hono/secure-headers';

/** hsts: send Strict-Transport-Security (only when the public origin is https). */
export function securityHeaders(options: { hsts?: boolean } = {}) {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'blob:', 'data:'],
      connectSrc: ["'self'"],
      workerSrc: ["'self'", 'blob:'],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    referrerPolicy: 'no-referrer',
    crossOriginOpenerPolicy: 'same-origin',
    crossOriginResourcePolicy: 'same-origin',
    xFrameOptions: 'DENY',
    strictTransportSecurity: options.hsts === true ? 'max-age=63072000; includeSubDomains' : false,
    removePoweredBy: true,
  });
}
