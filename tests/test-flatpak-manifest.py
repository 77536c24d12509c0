#!/usr/bin/env python3
# test-flatpak-manifest.py: the Flatpak manifest is one a builder can trust
#
# Copyright 2026 The Countersign authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# usage: test-flatpak-manifest.py SOURCE_ROOT
#
# flatpak-builder and the GNOME SDK are not on the development machines, so
# the manifest cannot be built here. This checks what can be checked without
# them: flatpak/io.github.countersign.Countersign.json is JSON; its id is the
# app id of meson.build and of the desktop file; the runtime is GNOME's; the
# sandbox asks for nothing beyond the allowed finish-args; every source
# other than the project itself is fetched over https and pinned by sha256;
# every -Dname= given to this project's meson is an option it has; the face
# model and the dictionary are installed where the app is told to find them;
# and the app module runs its tests. Prints TAP.

import json
import os
import re
import sys

ALLOWED_FINISH_ARGS = {
    "--share=ipc",
    "--socket=fallback-x11",
    "--socket=wayland",
    "--device=dri",
    "--share=network",
}

# Meson's own options, which any project accepts beside meson_options.txt.
MESON_BUILTIN = {
    "prefix", "bindir", "datadir", "libdir", "libexecdir", "localedir", "sysconfdir",
    "buildtype", "debug", "optimization", "warning_level", "werror", "strip",
    "default_library", "wrap_mode", "unity", "c_std", "cpp_std", "c_args", "cpp_args",
    "c_link_args", "cpp_link_args", "b_sanitize", "b_lto", "b_ndebug", "b_pie",
    "b_coverage", "auto_features",
}

SHA256 = re.compile(r"^[0-9a-f]{64}$")

results = []


def check(ok, name, detail=""):
    results.append((bool(ok), name, detail))
    return ok


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    manifest_path = os.path.join(root, "flatpak", "io.github.countersign.Countersign.json")

    try:
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print("1..1")
        print(f"not ok 1 - the manifest is JSON\n# {manifest_path}: {e}")
        return 1
    check(isinstance(manifest, dict), "the manifest is JSON")

    # The app id, three ways.
    with open(os.path.join(root, "meson.build"), encoding="utf-8") as f:
        m = re.search(r"^app_id\s*=\s*'([^']+)'", f.read(), re.M)
    meson_app_id = m.group(1) if m else None
    desktop = [n[: -len(".desktop.in")] for n in os.listdir(os.path.join(root, "data"))
               if n.endswith(".desktop.in")]
    app_id = manifest.get("id", manifest.get("app-id"))
    check(app_id == meson_app_id, "the id is meson.build's app_id",
          f"manifest {app_id!r}, meson.build {meson_app_id!r}")
    check(desktop == [app_id], "the id is the desktop file's name", f"desktop files {desktop}")

    with open(os.path.join(root, "data", f"{meson_app_id}.desktop.in"), encoding="utf-8") as f:
        exec_line = re.search(r"^Exec=(\S+)", f.read(), re.M)
    check(exec_line and manifest.get("command") == exec_line.group(1),
          "the command is the desktop file's Exec",
          f"command {manifest.get('command')!r}")

    check(manifest.get("runtime") == "org.gnome.Platform" and manifest.get("sdk") == "org.gnome.Sdk",
          "the runtime is GNOME's")
    version = str(manifest.get("runtime-version", ""))
    check(re.fullmatch(r"\d+", version) and int(version) >= 47,
          "the runtime version is a GNOME release (GTK >= 4.8, libadwaita >= 1.2)",
          f"runtime-version {version!r}")

    finish_args = manifest.get("finish-args", [])
    extra = [a for a in finish_args if a not in ALLOWED_FINISH_ARGS]
    check(not extra, "finish-args ask for nothing beyond the allowed ones", f"also: {extra}")
    check(not manifest.get("build-options", {}).get("build-args"),
          "the build itself gets no network or other extra access")

    modules = manifest.get("modules", [])
    check(modules and all(isinstance(mod, dict) for mod in modules),
          "modules are written out in the manifest, not in other files")

    # Every source pinned.
    bad = []
    for mod in modules:
        for src in mod.get("sources", []):
            kind = src.get("type")
            if kind == "dir":
                if os.path.realpath(os.path.join(root, "flatpak", src.get("path", ""))) != os.path.realpath(root):
                    bad.append(f"{mod.get('name')}: dir source {src.get('path')!r} is not the project")
                continue
            if kind not in ("archive", "file"):
                bad.append(f"{mod.get('name')}: source of type {kind!r}")
                continue
            urls = [src.get("url", "")] + src.get("mirror-urls", [])
            if not all(u.startswith("https://") for u in urls):
                bad.append(f"{mod.get('name')}: not https: {urls}")
            if not SHA256.match(src.get("sha256", "")):
                bad.append(f"{mod.get('name')}: no sha256 for {src.get('url')}")
    check(not bad, "every source is the project or an https download pinned by sha256", "; ".join(bad))

    by_name = {mod.get("name"): mod for mod in modules}
    app = by_name.get("countersign")
    if not check(app is not None and modules[-1] is app, "the app is the last module"):
        app = {}

    # This project's meson options.
    with open(os.path.join(root, "meson_options.txt"), encoding="utf-8") as f:
        options = set(re.findall(r"option\(\s*'([^']+)'", f.read()))
    opts = {}
    unknown = []
    for arg in app.get("config-opts", []):
        m = re.match(r"^-D([A-Za-z0-9_]+)=(.*)$", arg)
        if not m:
            unknown.append(arg)
            continue
        opts[m.group(1)] = m.group(2)
        if m.group(1) not in options and m.group(1) not in MESON_BUILTIN:
            unknown.append(arg)
    check(app.get("buildsystem") == "meson" and not unknown,
          "the app's config-opts are options meson_options.txt (or meson) has", f"unknown: {unknown}")
    check(app.get("run-tests") is True, "the app module runs its tests")

    def installs(path):
        """Whether some module before the app puts a file at path."""
        for mod in modules:
            if mod is app:
                return False
            for cmd in mod.get("build-commands", []):
                if path in cmd or os.path.dirname(path) in cmd.split():
                    return True
        return False

    model = opts.get("face_model", "")
    check(model.startswith("/app/") and installs(model),
          "the face model is installed where -Dface_model points", f"face_model {model!r}")

    # The model fetched is the one tests/test-face-model.py expects.
    with open(os.path.join(root, "tests", "test-face-model.py"), encoding="utf-8") as f:
        expected = re.search(r'^EXPECTED = "([0-9a-f]{64})"', f.read(), re.M)
    model_sources = [src for src in by_name.get("yunet-model", {}).get("sources", [])]
    check(expected and [s.get("sha256") for s in model_sources] == [expected.group(1)],
          "the face model's sha256 is the one test-face-model.py checks")

    dictionary_dir = opts.get("dictionary_dir", "")
    check(dictionary_dir.startswith("/app/") and installs(dictionary_dir),
          "the en_GB dictionary is installed in -Ddictionary_dir", f"dictionary_dir {dictionary_dir!r}")

    tess = by_name.get("tesseract", {})
    check("-DTESSDATA_PREFIX=/app/share" in tess.get("config-opts", []) and installs("/app/share/tessdata/eng.traineddata"),
          "tesseract looks for its data where the English data is installed")

    ocv = by_name.get("opencv", {})
    check("-DBUILD_LIST=core,imgproc,dnn" in ocv.get("config-opts", []),
          "OpenCV is built with only the modules Countersign uses")
    downloads = [o for o in ocv.get("config-opts", []) if o in ("-DWITH_IPP=ON", "-DWITH_ADE=ON")]
    check(not downloads and "-DWITH_IPP=OFF" in ocv.get("config-opts", []),
          "OpenCV's configure downloads nothing (IPP off)")

    print(f"1..{len(results)}")
    failed = 0
    for i, (ok, name, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok:
            failed += 1
            if detail:
                print(f"# {detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
