"""`python -m connectors.sandbox serve|export|cadre-export|serve-budget`: the sandbox sources outside a pipeline run.

serve         run the one-stop-shop's loopback API until interrupted (point PAR_ONE_STOP_SHOP_URL
              at it to try the real-source path: token `sandbox-token`, and set PAR_PSEUDONYMISATION_KEY);
              `serve --export FILE.ndjson` serves the dossiers of an export instead of generating them
export        write the one-stop-shop's vendor-style NDJSON export (PAR_ONE_STOP_SHOP_EXPORT reads it)
cadre-export  write the cadre system's XLSX export (PAR_CADRE_EXPORT reads it) and the yearly PAR
              ranking files into a `par_ranking` folder beside it (PAR_PAR_RANKING_DIR)
serve-budget  run the budget disclosure portal (point PAR_BUDGET_PORTAL_URL at it); --end is its clock
"""

import argparse
from datetime import date
from pathlib import Path

from connectors.sandbox.budget_portal import LISTING_PATH, BudgetPortal
from connectors.sandbox.one_stop_shop_api import OneStopShopApi, write_export
from connectors.sandbox.one_stop_shop_data import OneStopShopSandbox, SandboxConfig
from connectors.sandbox.server import SANDBOX_TOKEN, SandboxServer


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m connectors.sandbox", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["serve", "export", "cadre-export", "serve-budget"])
    parser.add_argument("path", nargs="?", type=Path, help="export: the NDJSON file; cadre-export: the XLSX file")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=SandboxConfig.seed)
    parser.add_argument("--defect-rate", type=float, default=SandboxConfig.defect_rate)
    parser.add_argument("--end", type=date.fromisoformat, default=date.today(), help="the sandbox's clock")
    parser.add_argument("--export", type=Path, help="serve: the NDJSON export whose dossiers the API lists")
    args = parser.parse_args()
    if args.command == "cadre-export":
        from connectors.sandbox.cadre_api import write_export as write_cadre_export
        from connectors.sandbox.cadre_api import write_ranking_files
        from connectors.sandbox.cadre_data import CadreConfig, CadreSandbox

        if args.path is None:
            parser.error("cadre-export needs the path of the XLSX file to write")
        cadre = CadreSandbox(CadreConfig(seed=args.seed, scale=args.scale, defect_rate=args.defect_rate, end=args.end))
        files = write_ranking_files(cadre, args.path.parent / "par_ranking")
        print(
            f"wrote {write_cadre_export(cadre, args.path)} ({len(cadre.employments):,} postings) and "
            f"{len(files)} ranking files into {args.path.parent / 'par_ranking'}"
        )
        return 0
    config = SandboxConfig(seed=args.seed, scale=args.scale, defect_rate=args.defect_rate, end=args.end)
    if args.command == "serve-budget":
        server = BudgetPortal(args.end, args.seed).server(port=args.port)
        print(f"sandbox budget disclosure portal on {server.url}{LISTING_PATH} (no token); Ctrl-C stops it")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        return 0
    if args.command == "serve" and args.export:
        from connectors.sandbox.one_stop_shop_export_api import ExportApi

        api = ExportApi(args.export)
        server = SandboxServer(api.routes(), token=SANDBOX_TOKEN, port=args.port)
        print(
            f"one-stop-shop API over {len(api):,} dossiers of {args.export} on {server.url}/api/v1/dossiers "
            f"(bearer token {SANDBOX_TOKEN!r}); Ctrl-C stops it"
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        return 0
    sandbox = OneStopShopSandbox(config)
    if args.command == "export":
        if args.path is None:
            parser.error("export needs the path of the file to write")
        print(f"wrote {write_export(sandbox, args.path):,} dossiers to {args.path}")
        return 0
    server = SandboxServer(OneStopShopApi(sandbox).routes(), token=SANDBOX_TOKEN, port=args.port)
    print(f"sandbox one-stop-shop on {server.url}/api/v1/dossiers (bearer token {SANDBOX_TOKEN!r}); Ctrl-C stops it")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


raise SystemExit(main())
