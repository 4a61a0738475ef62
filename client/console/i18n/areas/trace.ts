/**
 * @module The console's words for trace (English, the source, and Thai typed from it: a missing key or
 * a wrong placeholder is a type error).
 */

export const traceEn = {
  heading: 'Trace a serial',
};

export const traceTh: typeof traceEn = {
  heading: 'ติดตามซีเรียล',
};
