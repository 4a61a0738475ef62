/**
 * @module The console's words for the audit trail of admin changes (English, the source, and Thai typed from it: a missing
 * key or a wrong placeholder is a type error).
 */

export const changesEn = {
  heading: 'Change log',
};

export const changesTh: typeof changesEn = {
  heading: 'บันทึกการเปลี่ยนแปลง',
};
