"""The ``mashangban`` command: serve the app, manage sites, users and keys, import, write QR images, and move a
SQLite database to PostgreSQL."""
from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any, Awaitable, Callable

from server import qr, settings
from server.storage import Database
from server.storage.db import display_url, is_postgres_url


def _config(args: argparse.Namespace, config: settings.Config) -> settings.Config:
    return config.replace(database_url=args.db or config.database_url)


def _db(args: argparse.Namespace, config: settings.Config) -> Database:
    from server.app import open_database

    return open_database(_config(args, config))


def _run(coro_fn: Callable[[Database], Awaitable[Any]], args: argparse.Namespace, config: settings.Config) -> Any:
    async def go() -> Any:
        async with _db(args, config) as db:
            return await coro_fn(db)

    return asyncio.run(go())


def cmd_serve(args: argparse.Namespace, config: settings.Config) -> int:
    from server.app import create_app
    from server.serve import run, run_workers

    config = _config(args, config)
    if args.workers < 1:
        raise ValueError("--workers 至少为 1")
    if args.workers > 1 and not is_postgres_url(config.database_url):
        raise ValueError("SQLite 数据库只能由一个服务进程写入：多个进程（--workers 大于 1）需要 PostgreSQL，"
                         "请设置 MASHANGBAN_DATABASE_URL=postgresql://… 或 --db postgresql://…"
                         " (SQLite serves one process; --workers > 1 needs PostgreSQL)")
    if args.demo:
        from server import demo

        added = _run(lambda db: demo.seed(db, config.demo_password), args, config)
        print(f"演示数据 demo data: {added}")
        print(f"演示账号 demo users (password {config.demo_password!r}): "
              + ", ".join(f"{u.username} ({u.role})" for u in demo.USERS))
    print(f"码上办 serving {display_url(config.database_url)} on http://{args.host}:{args.port}"
          f" with {args.workers} worker{'s' if args.workers > 1 else ''}  (QR base URL {config.base_url})", flush=True)
    if args.workers > 1:
        run_workers(config, args.workers, args.host, args.port, log_level=args.log_level)
    else:
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


def cmd_apikey(args: argparse.Namespace, config: settings.Config) -> int:
    from server.open311 import keys

    if args.apikey_cmd == "add":
        key = _run(lambda db: keys.issue(db, args.name, args.site), args, config)
        print(f"已签发 Open311 API 密钥“{args.name}”（无 address_id 的请求登记到站点 {args.site}）。")
        print("密钥只显示这一次，请妥善保存 (shown once, keep it safe):")
        print(key)
    elif args.apikey_cmd == "list":
        rows = _run(keys.listing, args, config)
        for r in rows:
            state = f"已吊销 {r['revoked_at']}" if r["revoked_at"] else "有效"
            print(f"{r['name']}\t{r['site']}\t签发 {r['created_at']}\t最近使用 {r['last_used_at'] or '—'}\t{state}")
        print(f"共 {len(rows)} 个密钥", file=sys.stderr)
    elif args.apikey_cmd == "revoke":
        _run(lambda db: keys.revoke(db, args.name), args, config)
        print(f"已吊销 API 密钥“{args.name}”")
    return 0


def cmd_import_12345(args: argparse.Namespace, config: settings.Config) -> int:
    from server.hotline.importer import import_file
    from sync.apply import Options

    site = args.site or config.hotline_site
    if not site:
        raise ValueError("请用 --site 或 MASHANGBAN_HOTLINE_SITE 指定 12345 工单登记到的站点")
    data = Path(args.file).read_bytes()
    options = Options(max_drift_ms=config.sync_max_drift_ms, number_prefix=config.case_number_prefix)
    summary = _run(lambda db: import_file(db, data, site, options), args, config)
    print(f"已导入：新建 {summary.created} 件，更新 {summary.updated} 件，未变 {summary.unchanged} 件，"
          f"共写入 {summary.events} 条事件")
    for note in summary.notes:
        print(f"  {note}")
    return 0


def cmd_hotline_map(args: argparse.Namespace, config: settings.Config) -> int:
    from server.hotline import mapping
    from server.storage import hotline

    if args.map_cmd == "list":
        rows = _run(hotline.mappings, args, config)
        for r in rows:
            print(f"{r['hotline'] or '（其余全部）'}\t→ {r['category']}")
        print(f"共 {len(rows)} 条映射", file=sys.stderr)
    elif args.map_cmd == "set":
        _run(lambda db: mapping.set_one(db, args.hotline, args.category), args, config)
        print(f"热线分类“{args.hotline}”→ {args.category}")
    elif args.map_cmd == "remove":
        _run(lambda db: mapping.remove_one(db, args.hotline), args, config)
        print(f"已删除热线分类“{args.hotline}”的映射")
    return 0


def cmd_migrate_to_postgres(args: argparse.Namespace, config: settings.Config) -> int:
    from server.storage.move import move_to_postgres

    source = _config(args, config).database_url
    if is_postgres_url(source):
        raise ValueError("源数据库必须是 SQLite 文件（--db PATH 或 MASHANGBAN_DATABASE_URL）")
    if not is_postgres_url(args.url):
        raise ValueError("目标必须是 postgresql:// URL")
    report = asyncio.run(move_to_postgres(source, args.url, progress=lambda line: print(line, file=sys.stderr)))
    print(f"已复制到 {display_url(args.url)}：{report.rows} 行，{len(report.tables)} 张表；"
          f"核对行数一致，{report.cases} 件诉求由事件重放得到的状态与存储一致")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mashangban", description="码上办：群众诉求服务站点")
    p.add_argument("--db", help="数据库：SQLite 文件路径或 postgresql:// URL (default: $MASHANGBAN_DATABASE_URL)")
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("serve", help="运行服务器 run the server")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--db", help=argparse.SUPPRESS, default=argparse.SUPPRESS)
    s.add_argument("--demo", action="store_true", help="写入演示数据（可重复运行） seed demo data (idempotent)")
    s.add_argument("--workers", type=int, default=1, help="服务进程数（大于 1 需要 PostgreSQL） processes")
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

    ak = sub.add_parser("apikey", help="管理 Open311 API 密钥 manage Open311 API keys")
    ak.add_argument("--db", help=argparse.SUPPRESS, default=argparse.SUPPRESS)
    aks = ak.add_subparsers(dest="apikey_cmd", required=True)
    akadd = aks.add_parser("add", help="签发密钥（只显示一次）")
    akadd.add_argument("name", help="使用该密钥的应用或单位名称")
    akadd.add_argument("--site", required=True, help="未带 address_id 的请求登记到的站点编号")
    aks.add_parser("list", help="列出密钥")
    akrev = aks.add_parser("revoke", help="吊销密钥")
    akrev.add_argument("name")
    ak.set_defaults(func=cmd_apikey)

    im = sub.add_parser("import-12345", help="导入 12345 热线工单（CSV 或 JSON，全部成功或全部不导入）")
    im.add_argument("--db", help=argparse.SUPPRESS, default=argparse.SUPPRESS)
    im.add_argument("file", help="CSV（UTF-8 或 GBK）或 JSON 文件")
    im.add_argument("--site", help="工单登记到的站点编号 (default: $MASHANGBAN_HOTLINE_SITE)")
    im.set_defaults(func=cmd_import_12345)

    hm = sub.add_parser("hotline-map", help="编辑 12345 分类映射表 edit the hotline category mapping")
    hm.add_argument("--db", help=argparse.SUPPRESS, default=argparse.SUPPRESS)
    hms = hm.add_subparsers(dest="map_cmd", required=True)
    hms.add_parser("list", help="列出映射")
    hmset = hms.add_parser("set", help="添加或修改一条映射（热线分类或其开头 → 本系统分类编号）")
    hmset.add_argument("hotline", help="热线分类，或其开头；空字符串表示其余全部")
    hmset.add_argument("category", help="本系统分类编号")
    hmrm = hms.add_parser("remove", help="删除一条映射")
    hmrm.add_argument("hotline")
    hm.set_defaults(func=cmd_hotline_map)

    mp = sub.add_parser("migrate-to-postgres", help="把（已停止服务的）SQLite 数据库复制到空的 PostgreSQL 数据库")
    mp.add_argument("--db", help=argparse.SUPPRESS, default=argparse.SUPPRESS)
    mp.add_argument("url", help="目标 postgresql:// URL（必须是空库）")
    mp.set_defaults(func=cmd_migrate_to_postgres)
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
            what = "站点" if args.cmd == "site" else "工单"
            print(f"导入失败，没有导入任何{what}：", file=sys.stderr)
            for e in exc.errors:
                print(f"  {e}", file=sys.stderr)
            return 1
        if isinstance(exc, ValueError):
            print(f"错误：{exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
