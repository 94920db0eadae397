// Chinese strings of the sync client, in one place (the apps show them as they are, with textContent).

export const ZH = Object.freeze({
  offline: "当前离线，恢复网络后自动同步",
  network: "网络不稳定，稍后自动重试",
  failed: "同步失败，稍后自动重试",
  bad_reply: "服务器应答格式不正确，稍后自动重试",
  no_progress: "服务器没有确认任何修改，稍后自动重试",
  gap: "本机待同步记录与服务器不连续，请联系管理员",
  local: "本机存储出错，请刷新页面后重试",
  rejected: "服务器拒绝了这项修改",
});
