"""``askbrief paths``: where askbrief keeps its files."""

from __future__ import annotations


def add_paths(sub) -> None:
    p = sub.add_parser("paths", help="show where askbrief keeps its files")
    p.add_argument("--json", action="store_true", help="print them as one JSON object")
    p.set_defaults(func=cmd_paths)


def cmd_paths(args) -> int:
    """Print the locations; nothing is created or changed."""
    from .. import paths

    config = paths.config_path()
    if args.json:
        import json

        print(json.dumps({"config": paths.fs_text(str(config)),
                          "history": paths.fs_text(str(paths.history_path(create=False))),
                          "cache": paths.fs_text(str(paths.cache_dir(create=False))),
                          "seeds": paths.fs_text(str(paths.seeds_dir()))}, ensure_ascii=False))
        return 0
    print(f"config:  {paths.fs_text(str(config))}{'' if config.is_file() else ' (not present)'}")
    print(f"history: {paths.fs_text(str(paths.history_path(create=False)))}")
    print(f"cache:   {paths.fs_text(str(paths.cache_dir(create=False)))}")
    print(f"seeds:   {paths.fs_text(str(paths.seeds_dir()))}")
    return 0
