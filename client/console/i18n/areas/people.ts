/**
 * @module The console's words for stations (enroll, new link, revoke), operators and users (English, the source, and Thai typed from it: a missing
 * key or a wrong placeholder is a type error).
 */

export const peopleEn = {
  heading: 'Stations and people',
};

export const peopleTh: typeof peopleEn = {
  heading: 'สถานีและผู้ใช้',
};
