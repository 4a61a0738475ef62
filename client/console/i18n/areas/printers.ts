/**
 * @module The console's words for label printers on the LAN and their print jobs (English, the source, and Thai typed from it: a missing
 * key or a wrong placeholder is a type error).
 */

export const printersEn = {
  heading: 'Label printers',
};

export const printersTh: typeof printersEn = {
  heading: 'เครื่องพิมพ์ฉลาก',
};
