/**
 * @module The console's words for inbox (English, the source, and Thai typed from it: a missing key or
 * a wrong placeholder is a type error).
 */

export const inboxEn = {
  heading: 'Exceptions',
};

export const inboxTh: typeof inboxEn = {
  heading: 'รายการปัญหา',
};
