"""The ``mashangban`` command: serve the app, manage sites, write QR images."""
from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any, Awaitable, Callable

from server import qr, settings
from server.storage import Database


def _db(args: argparse.Namespace, config: settings.Config) -> Database:
    return Database(args.db or config.db, synchronous=config.sqlite_synchronous)


def _run(coro_fn: Callable[[Database], Awaitable[Any]], args: argparse.Namespace, config: settings.Config) -> Any:
    async def go() -> Any:
        async with _db(args, config) as db:
            return await coro_fn(db)

    return asyncio.run(go())


def cmd_serve(args: argparse.Namespace, config: settings.Config) -> int:
    from server.app import create_app
    from server.serve import run

    config = config.replace(db=args.db or config.db)
    if args.demo:
        from server import demo

        added = _run(lambda db: demo.seed(db, config.demo_password), args, config)
        print(f"演示数据 demo data: {added}")
        print(f"演示账号 demo users (password {config.demo_password!r}): "
              + ", ".join(f"{u.username} ({u.role})" for u in demo.USERS))
    print(f"码上办 serving {config.db} on http://{args.host}:{args.port}  (QR base URL {config.base_url})", flush=True)
    run(create_app(config), host=args.host, port=args.port, log_level=args.log_level)
    return 0


def cmd_site(args: argparse.Namespace, config: settings.Config) -> int:
    from server import sites
    from server.storage import reference

    if args.site_cmd == "list":
        rows = _run(lambda db: reference.list_sites(db, community=args.community, include_retired=args.all),
                    args, config)
        for r in rows:
            state = "" if r["active"] else f"  [已停用{' → ' + r['replaced_by'] if r['replaced_by'] else ''}]"
            print(f"{r['code']}\t{r['name']}\t{r['kind']}\t{r['community']}{state}")
        print(f"共 {len(rows)} 个站点", file=sys.stderr)
        return 0
    if args.site_cmd == "add":
        site = {"code": args.code, "name": args.name, "kind": args.kind, "community": args.community,
                "address": args.address, "default_team": args.team}
        _run(lambda db: sites.add_site(db, site), args, config)
        print(f"已添加站点 {args.code}：{qr.site_url(config.base_url, args.code)}")
        return 0
    if args.site_cmd == "retire":
        _run(lambda db: sites.retire_site(db, args.code, args.replaced_by), args, config)
        print(f"已停用站点 {args.code}")
        return 0
    if args.site_cmd == "import":
        text = Path(args.file).read_text(encoding="utf-8")
        count = _run(lambda db: sites.import_csv(db, text), args, config)
        print(f"已导入 {count} 个站点")
        return 0
    raise AssertionError(args.site_cmd)


def cmd_posters(args: argparse.Namespace, config: settings.Config) -> int:
    from server.storage import reference

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = _run(lambda db: reference.list_sites(db), args, config)
    for i, r in enumerate(rows, 1):
        url = qr.site_url(config.base_url, r["code"])
        (out / f"{r['code']}.svg").write_bytes(qr.svg(url))
        (out / f"{r['code']}.png").write_bytes(qr.png(url))
        print(f"[{i}/{len(rows)}] {r['code']} {r['name']}  {url}", file=sys.stderr)
    print(f"已写出 {len(rows)} 个站点的二维码（SVG 和 PNG）到 {out}")
    return 0


def _read_password(args: argparse.Namespace) -> str:
    """The new password (its policy is checked with the rest of the request, as for the admin API)."""
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("密码 password: ")
    if getpass.getpass("再输一次 again: ") != password:
        raise ValueError("两次输入的密码不一致")
    return password


def cmd_user(args: argparse.Namespace, config: settings.Config) -> int:
    from server.admin import users as accounts
    from server.storage import users

    # The same checks as the admin API: the username's form, a known team, a password that is not easily guessed.
    async def add(db: Database) -> None:
        user = {"username": args.username, "display_name": args.name or args.username, "role": args.role,
                "password": password}
        if args.team:
            user["team"] = args.team
        await accounts.add(db, user)

    async def passwd(db: Database) -> None:
        await accounts.reset_password(db, args.username, {"password": password})

    async def disable(db: Database) -> None:
        async with db.write() as conn:
            if await users.set_active(conn, args.username, False) is None:
                raise ValueError(f"用户“{args.username}”不存在")

    if args.user_cmd == "add":
        password = _read_password(args)
        _run(add, args, config)
        print(f"已添加用户 {args.username}（{args.role}）")
    elif args.user_cmd == "passwd":
        password = _read_password(args)
        _run(passwd, args, config)
        print(f"已修改 {args.username} 的密码，其所有登录和设备令牌已失效")
    elif args.user_cmd == "disable":
        _run(disable, args, config)
        print(f"已停用用户 {args.username}，其所有登录和设备令牌已失效")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mashangban", description="码上办：群众诉求服务站点")
    p.add_argument("--db", help="SQLite 数据库路径 (default: $MASHANGBAN_DB)")
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("serve", help="运行服务器 run the server")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--db", help=argparse.SUPPRESS, default=argparse.SUPPRESS)
    s.add_argument("--demo", action="store_true", help="写入演示数据（可重复运行） seed demo data (idempotent)")
    s.add_argument("--log-level", default="info")
    s.set_defaults(func=cmd_serve)

    site = sub.add_parser("site", help="管理站点 manage sites")
    site.add_argument("--db", help=argparse.SUPPRESS, default=argparse.SUPPRESS)
    ss = site.add_subparsers(dest="site_cmd", required=True)
    ls = ss.add_parser("list", help="列出站点")
    ls.add_argument("--community")
    ls.add_argument("--all", action="store_true", help="包括已停用的站点")
    add = ss.add_parser("add", help="添加站点")
    add.add_argument("code")
    add.add_argument("name")
    add.add_argument("--kind", required=True, choices=["community", "residential", "industrial_park",
                                                       "construction_site", "street", "service_centre"])
    add.add_argument("--community", required=True)
    add.add_argument("--address", default="")
    add.add_argument("--team")
    ret = ss.add_parser("retire", help="停用站点（海报损坏或被滥用时）")
    ret.add_argument("code")
    ret.add_argument("--replaced-by", help="新站点编号，旧码页面会指向它")
    imp = ss.add_parser("import", help="从 CSV 导入站点（全部成功或全部不导入）")
    imp.add_argument("file")
    site.set_defaults(func=cmd_site)

    po = sub.add_parser("posters", help="写出每个启用站点的二维码 SVG 和 PNG")
    po.add_argument("--db", help=argparse.SUPPRESS, default=argparse.SUPPRESS)
    po.add_argument("--out", required=True)
    po.set_defaults(func=cmd_posters)
    us = sub.add_parser("user", help="管理工作人员账号 manage staff users")
    us.add_argument("--db", help=argparse.SUPPRESS, default=argparse.SUPPRESS)
    uss = us.add_subparsers(dest="user_cmd", required=True)
    uadd = uss.add_parser("add", help="添加用户")
    uadd.add_argument("username")
    uadd.add_argument("--role", required=True, choices=["admin", "dispatcher", "field"])
    uadd.add_argument("--name", help="显示名称")
    uadd.add_argument("--team", help="所属队伍编号")
    upw = uss.add_parser("passwd", help="修改密码")
    upw.add_argument("username")
    for sp in (uadd, upw):
        sp.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（脚本用）")
    udis = uss.add_parser("disable", help="停用用户并吊销其登录和设备")
    udis.add_argument("username")
    us.set_defaults(func=cmd_user)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not hasattr(args, "db"):
        args.db = None
    config = settings.load()
    try:
        return int(args.func(args, config))
    except Exception as exc:  # the CLI's user gets the message, not a traceback
        from server.errors import ApiError
        from server.sites import ImportRejected

        if isinstance(exc, ApiError):
            print(f"错误：{exc.message}", file=sys.stderr)
            return 1
        if isinstance(exc, ImportRejected):
            print("导入失败，没有导入任何站点：", file=sys.stderr)
            for e in exc.errors:
                print(f"  {e}", file=sys.stderr)
            return 1
        if isinstance(exc, ValueError):
            print(f"错误：{exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
