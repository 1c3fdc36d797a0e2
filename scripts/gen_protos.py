"""Generate airspace/v1 from protos/, or check that the committed stubs are current.

    python -m scripts.gen_protos           # regenerate
    python -m scripts.gen_protos --check   # fail if regenerating would change anything,
                                           # or if the protobuf runtime is older than the gencode
"""

from __future__ import annotations

import argparse
import filecmp
import re
import sys
import tempfile
from pathlib import Path

from google.protobuf import __version__ as protobuf_version
from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTO_DIR = ROOT / "protos"
OUT_PACKAGE = Path("airspace") / "v1"
GENCODE_VERSION = re.compile(r"^\s+(\d+),\s*\n\s+(\d+),\s*\n\s+(\d+),", re.MULTILINE)


def generate(out_root: Path) -> list[Path]:
    """Run protoc for every .proto under protos/airspace/v1; return the files written."""
    sources = (PROTO_DIR / OUT_PACKAGE).glob("*.proto")
    protos = sorted(str(p.relative_to(PROTO_DIR)) for p in sources)
    include = str(Path(protoc.__file__).parent / "_proto")
    args = [
        "protoc",
        f"-I{PROTO_DIR}",
        f"-I{include}",
        f"--python_out={out_root}",
        f"--pyi_out={out_root}",
        f"--grpc_python_out={out_root}",
        *protos,
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    out = out_root / OUT_PACKAGE
    (out / "__init__.py").write_text('"""Generated protobuf and gRPC code for airspace.v1."""\n')
    return sorted(p for p in out.iterdir() if p.is_file())


def gencode_version(pb2: Path) -> tuple[int, ...]:
    """The protobuf version a generated _pb2.py was written for."""
    text = pb2.read_text()
    start = text.index("ValidateProtobufRuntimeVersion(")
    match = GENCODE_VERSION.search(text, start)
    if match is None:
        raise SystemExit(f"cannot read the gencode version of {pb2}")
    return tuple(int(g) for g in match.groups())


def check() -> int:
    runtime = tuple(int(x) for x in protobuf_version.split(".")[:3])
    with tempfile.TemporaryDirectory() as tmp:
        fresh = generate(Path(tmp))
        stale = [
            p.name for p in fresh
            if not (ROOT / OUT_PACKAGE / p.name).exists()
            or not filecmp.cmp(p, ROOT / OUT_PACKAGE / p.name, shallow=False)
        ]
        for pb2 in (p for p in fresh if p.name.endswith("_pb2.py")):
            if gencode_version(pb2) > runtime:
                newer = gencode_version(pb2)
                print(f"{pb2.name}: gencode {newer} is newer than protobuf {runtime}")
                return 1
    if stale:
        print("stubs out of date, run `make proto`:", ", ".join(stale))
        return 1
    print(f"airspace/v1 stubs are current (protobuf runtime {protobuf_version})")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    if parser.parse_args().check:
        return check()
    generate(ROOT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
