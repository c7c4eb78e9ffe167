@echo off
rem Shared by launch.cmd, stop.cmd and always-up.cmd: find node.exe, then run the one command line that does the
rem work, packages\cli (ecr launch ^| stop ^| always-up ^| status). Called as
rem     call "%~dp0lib\ecr.cmd" <command> [args...]
rem Nothing from the environment or config.txt is echoed here: the CLI prints every message itself, so a "=" or
rem ">" in a value cannot redirect or run anything. The data directory reaches it through the environment, never
rem as a quoted argument (a trailing backslash would escape the closing quote).
setlocal EnableExtensions DisableDelayedExpansion
for %%I in ("%~dp0..\..") do set "ECR_ROOT=%%~fI"
set "ECR_NODE_BIN="
if defined ECR_NODE if exist "%ECR_NODE%" set "ECR_NODE_BIN=%ECR_NODE%"
if not defined ECR_NODE_BIN for /f "delims=" %%N in ('where node.exe 2^>nul') do if not defined ECR_NODE_BIN set "ECR_NODE_BIN=%%N"
if not defined ECR_NODE_BIN if exist "%ProgramFiles%\nodejs\node.exe" set "ECR_NODE_BIN=%ProgramFiles%\nodejs\node.exe"
if not defined ECR_NODE_BIN goto :nonode
rem A relative ECR_DATA_DIR is taken from where the script was run, even though the CLI runs from the root.
set "ECR_CALLER_DIR=%CD%"
set "ECR_CLI=%ECR_ROOT%\packages\cli\dist\main.js"
if /i "%ECR_RUNTIME%"=="source" goto :source
if exist "%ECR_CLI%" goto :compiled
if /i "%ECR_RUNTIME%"=="compiled" goto :compiled
:source
rem tsx is found from the working directory.
pushd "%ECR_ROOT%"
"%ECR_NODE_BIN%" --conditions=source --import tsx "%ECR_ROOT%\packages\cli\src\main.ts" %*
set "RC=%ERRORLEVEL%"
popd
exit /b %RC%
:compiled
"%ECR_NODE_BIN%" "%ECR_CLI%" %*
exit /b %ERRORLEVEL%
:nonode
>&2 echo %~1: node.exe not found: install Node.js 24 LTS ^(20 or later^), or set ECR_NODE to the full path of node.exe
exit /b 1
