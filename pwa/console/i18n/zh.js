// 中文文案：控制台与登录页的所有中文字符串都在这里。
export const messages = Object.freeze({
  "login.missing": "请输入用户名和密码",
  "login.bad_credentials": "用户名或密码错误",
  "login.locked": "账号已被锁定，请稍后再试",
  "login.network": "网络连接失败，请检查网络后重试",
  "login.failed": "登录失败",
  "login.busy": "正在登录…",
});
