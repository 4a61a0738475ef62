/**
 * @module The console's words for a new site's first admin (English, the source, and Thai typed
 * from it: a missing key or a wrong placeholder is a type error).
 */

export const firstAdminEn = {
  heading: 'Set up this site',
  intro:
    'This edge server has no admin yet. Enter the setup code from its log (or open the link it printed), then choose the first admin’s username and password.',
  code: 'Setup code',
  codeHint: 'Three groups of four letters and digits, for example ABCD-EFGH-JK23',
  username: 'Admin username',
  usernameHint: 'Letters, digits, and . _ @ - only',
  password: 'Password',
  passwordHint: 'At least 8 characters',
  submit: 'Create the admin and sign in',
  creating: 'Creating…',
  wrongCode: 'This is not the setup code of this server. Check its log and type it again.',
  taken: 'This site already has an admin. Sign in, or ask them to add your account.',
  invalid: (p: { detail: string }) => `Check the username and the password: ${p.detail}`,
  throttled: (p: { seconds: number }) => `Too many wrong codes. Wait ${p.seconds} s, then try again.`,
  unreachable: 'The edge server did not answer. Check the network and try again.',
};

export const firstAdminTh: typeof firstAdminEn = {
  heading: 'ตั้งค่าไซต์นี้',
  intro:
    'เซิร์ฟเวอร์นี้ยังไม่มีผู้ดูแลระบบ ใส่รหัสตั้งค่าจากบันทึกของเซิร์ฟเวอร์ (หรือเปิดลิงก์ที่พิมพ์ไว้) แล้วตั้งชื่อผู้ใช้และรหัสผ่านของผู้ดูแลระบบคนแรก',
  code: 'รหัสตั้งค่า',
  codeHint: 'ตัวอักษรและตัวเลขสามกลุ่ม กลุ่มละสี่ตัว เช่น ABCD-EFGH-JK23',
  username: 'ชื่อผู้ใช้ของผู้ดูแลระบบ',
  usernameHint: 'ใช้ตัวอักษรอังกฤษ ตัวเลข และ . _ @ - เท่านั้น',
  password: 'รหัสผ่าน',
  passwordHint: 'อย่างน้อย 8 ตัวอักษร',
  submit: 'สร้างผู้ดูแลระบบและเข้าสู่ระบบ',
  creating: 'กำลังสร้าง…',
  wrongCode: 'รหัสนี้ไม่ใช่รหัสตั้งค่าของเซิร์ฟเวอร์นี้ ดูบันทึกของเซิร์ฟเวอร์แล้วพิมพ์ใหม่',
  taken: 'ไซต์นี้มีผู้ดูแลระบบแล้ว เข้าสู่ระบบ หรือขอให้ผู้ดูแลระบบเพิ่มบัญชีให้',
  invalid: (p) => `ตรวจชื่อผู้ใช้และรหัสผ่าน: ${p.detail}`,
  throttled: (p) => `ใส่รหัสผิดหลายครั้งเกินไป รอ ${p.seconds} วินาทีแล้วลองใหม่`,
  unreachable: 'เซิร์ฟเวอร์ไม่ตอบ ตรวจเครือข่ายแล้วลองอีกครั้ง',
};
