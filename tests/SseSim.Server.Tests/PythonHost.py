"""Runs aws CLI commands and python3 scripts for the tests (PythonHost.cs), one at a time, each as its own process would
run: its argv, working directory, environment, an empty stdin, stdout and stderr caught at fds 1 and 2 (so output from C
code and child processes is caught too), and the exit code the interpreter would give. What it saves is the interpreter
start and the awscli/boto3 imports, about half of each call's CPU on a 2-core machine. Each aws command still builds its
own CLI driver and session, and each script gets a fresh boto3 default session.

Protocol: one JSON request per line on the stdin this process was started with, one JSON reply per line on its stdout:
  {"kind": "aws" | "script", "argv": [...], "cwd": "...", "env": {...}} -> {"code": n, "stdout": b64, "stderr": b64}
  {"kind": "hello"} -> {"aws": path of the aws CLI script of this interpreter, or null}
"""
import base64
import json
import os
import runpy
import shutil
import sys
import tempfile
import traceback

requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
host_stderr = os.dup(2)
empty = os.open(os.devnull, os.O_RDONLY)
os.dup2(empty, 0)
os.dup2(host_stderr, 1)  # between requests stray output goes to this host's stderr, never into the replies


def aws_script():
    """The aws CLI installed for this interpreter (pip puts its script beside the interpreter), if it is awscli v1."""
    path = shutil.which("aws", path=os.path.dirname(sys.executable)) or shutil.which("aws")
    if path is None:
        return None
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return None
    return path if head.startswith(b"#!") and b"python" in head.split(b"\n", 1)[0] and b"awscli" in head else None


AWS = aws_script()

# Imported before any request, as every call imports them: awscli's import adds its data directory to AWS_DATA_PATH,
# and each request's environment is restored afterwards.
for name in ("awscli.clidriver", "boto3"):
    try:
        __import__(name)
    except ImportError:
        pass


def exit_code(e):
    """The status CPython exits with for an uncaught SystemExit."""
    if e.code is None:
        return 0
    if isinstance(e.code, int):
        return e.code & 0xFF
    print(e.code, file=sys.stderr)
    return 1


def fresh_process_state():
    """What a new interpreter would not have: boto3's default session, and warnings already shown once."""
    boto3 = sys.modules.get("boto3")
    if boto3 is not None:
        boto3.DEFAULT_SESSION = None
    for module in list(sys.modules.values()):
        registry = getattr(module, "__warningregistry__", None)
        if isinstance(registry, dict):
            registry.clear()


def run(request):
    path = AWS if request["kind"] == "aws" else request["argv"][0]
    argv = [path] + request["argv"] if request["kind"] == "aws" else list(request["argv"])
    saved_env, saved_cwd, saved_argv, saved_path = dict(os.environ), os.getcwd(), sys.argv, list(sys.path)
    streams = (sys.stdin, sys.stdout, sys.stderr)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        fresh_process_state()
        os.environ.update(request.get("env", {}))
        os.chdir(request["cwd"])
        sys.path[0] = os.path.dirname(os.path.abspath(path))
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        try:
            sys.argv = argv
            runpy.run_path(path, run_name="__main__")
            code = 0
        except SystemExit as e:
            code = exit_code(e)
        except BaseException as e:  # an uncaught exception: the interpreter prints it (from the script on) and exits 1
            tb = e.__traceback__
            while tb is not None and tb.tb_frame.f_code.co_filename != path:
                tb = tb.tb_next
            traceback.print_exception(type(e), e, tb or e.__traceback__)
            code = 1
        finally:
            for stream in (sys.stdout, sys.stderr, *streams[1:]):
                try:
                    stream.flush()
                except (OSError, ValueError):
                    pass
            sys.stdin, sys.stdout, sys.stderr = streams
            os.dup2(host_stderr, 1)
            os.dup2(host_stderr, 2)
            sys.argv, sys.path[:] = saved_argv, saved_path
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
        out.seek(0)
        err.seek(0)
        return {"code": code, "stdout": base64.b64encode(out.read()).decode(), "stderr": base64.b64encode(err.read()).decode()}


for line in requests:
    request = json.loads(line)
    reply = {"aws": AWS} if request["kind"] == "hello" else run(request)
    replies.write(json.dumps(reply) + "\n")
    replies.flush()
