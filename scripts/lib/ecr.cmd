@echo off
rem Shared routines of launch.cmd, stop.cmd and always-up.cmd (Windows). Called as
rem     call "%~dp0lib\ecr.cmd" <routine> [args...]
rem The variables it sets (ECR_ROOT, ECR_DATA, ECR_RUN, ECR_LOGS, ECR_NODE_BIN, ECR_PID...) stay visible to the
rem caller, which runs under setlocal. No delayed expansion: a "!" in a path must survive.
rem Values reach PowerShell through environment variables, never pasted into its command text (quoting).
set "ECR_LIBDIR=%~dp0" & shift & goto :%~1

rem ---------------------------------------------------------------------------------------------------------
rem init <script name>: the delivery root, the data directory (ECR_DATA_DIR, else data\ at the root), node.
:init
set "ECR_PROG=%~1"
for %%I in ("%ECR_LIBDIR%..\..") do set "ECR_ROOT=%%~fI"
if defined ECR_DATA_DIR (for %%I in ("%ECR_DATA_DIR%") do set "ECR_DATA=%%~fI") else set "ECR_DATA=%ECR_ROOT%\data"
if not exist "%ECR_DATA%\" goto :init_nodata
rem The programs start in the root: they must get the same, absolute, data directory.
set "ECR_DATA_DIR=%ECR_DATA%"
set "ECR_RUN=%ECR_DATA%\run"
set "ECR_LOGS=%ECR_DATA%\logs"
if not exist "%ECR_RUN%\" mkdir "%ECR_RUN%" 2>nul
if not exist "%ECR_LOGS%\" mkdir "%ECR_LOGS%" 2>nul
set "ECR_NODE_BIN="
if defined ECR_NODE if exist "%ECR_NODE%" set "ECR_NODE_BIN=%ECR_NODE%"
if not defined ECR_NODE_BIN for /f "delims=" %%N in ('where node.exe 2^>nul') do if not defined ECR_NODE_BIN set "ECR_NODE_BIN=%%N"
if not defined ECR_NODE_BIN if exist "%ProgramFiles%\nodejs\node.exe" set "ECR_NODE_BIN=%ProgramFiles%\nodejs\node.exe"
if not defined ECR_NODE_BIN goto :init_nonode
exit /b 0
:init_nodata
echo %ECR_PROG%: data directory "%ECR_DATA%" does not exist: create it with a config.txt, or set ECR_DATA_DIR
exit /b 1
:init_nonode
echo %ECR_PROG%: node.exe not found: install Node.js 20 (LTS), or set ECR_NODE to the full path of node.exe
exit /b 1

rem ---------------------------------------------------------------------------------------------------------
rem lock wait|try: the directory run\always-up.lock, shared by the three scripts. "try" gives up at once
rem (always-up: another run is busy); "wait" tries for about a minute. A lock older than 10 minutes was left by
rem a run that was killed: it is removed.
:lock
set "ECR_LOCK=%ECR_RUN%\always-up.lock"
set "ECR_LOCK_MODE=%~1"
set /a ECR_LOCK_TRIES=0
:lock_again
mkdir "%ECR_LOCK%" 2>nul && goto :lock_taken
set /a ECR_LOCK_TRIES+=1
powershell -NoProfile -NonInteractive -Command "$d = Get-Item -LiteralPath $env:ECR_LOCK -ErrorAction SilentlyContinue; if ($d -and ((Get-Date) - $d.CreationTime).TotalMinutes -gt 10) { exit 0 } else { exit 1 }" >nul 2>&1
if not errorlevel 1 if %ECR_LOCK_TRIES% leq 3 (rmdir "%ECR_LOCK%" 2>nul & goto :lock_again)
if /i "%ECR_LOCK_MODE%"=="try" exit /b 1
if %ECR_LOCK_TRIES% geq 60 goto :lock_busy
ping -n 2 127.0.0.1 >nul
goto :lock_again
:lock_taken
set "ECR_LOCKED=1"
exit /b 0
:lock_busy
echo %ECR_PROG%: another launch, stop or always-up still holds "%ECR_LOCK%"; if none runs, delete that folder
exit /b 1

:unlock
if defined ECR_LOCKED rmdir "%ECR_LOCK%" 2>nul
set "ECR_LOCKED="
exit /b 0

rem ---------------------------------------------------------------------------------------------------------
rem running <name>: ERRORLEVEL 0 and ECR_PID (and ECR_AGE_S, seconds since it started) when the pid file names
rem a live process whose command line is that program (a pid can be reused by anything); else ERRORLEVEL 1 and
rem the stale pid file removed.
:running
set "ECR_PID="
set "ECR_AGE_S="
set "ECR_CHECK_NAME=%~1"
set "ECR_PIDFILE=%ECR_RUN%\%~1.pid"
if not exist "%ECR_PIDFILE%" exit /b 1
for /f "usebackq tokens=1" %%P in ("%ECR_PIDFILE%") do if not defined ECR_PID set "ECR_PID=%%P"
if not defined ECR_PID goto :running_stale
echo %ECR_PID%| findstr /r /x "[0-9][0-9]*" >nul || goto :running_stale
set "ECR_CHECK_PID=%ECR_PID%"
powershell -NoProfile -NonInteractive -Command "$p = Get-CimInstance Win32_Process -Filter ('ProcessId=' + [int]$env:ECR_CHECK_PID); $c = if ($p) { [string]$p.CommandLine } else { '' }; $n = $env:ECR_CHECK_NAME; if ($c.Contains('packages\' + $n + '\') -or $c.Contains('packages/' + $n + '/')) { [int]((Get-Date) - $p.CreationDate).TotalSeconds; exit 0 } else { exit 1 }" > "%ECR_RUN%\.%~1.check" 2>nul
if errorlevel 1 goto :running_stale
for /f "usebackq tokens=1" %%A in ("%ECR_RUN%\.%~1.check") do set "ECR_AGE_S=%%A"
del "%ECR_RUN%\.%~1.check" 2>nul
if not defined ECR_AGE_S set "ECR_AGE_S=999999"
exit /b 0
:running_stale
del "%ECR_RUN%\.%~1.check" 2>nul
del "%ECR_PIDFILE%" 2>nul
set "ECR_PID="
exit /b 1

rem ---------------------------------------------------------------------------------------------------------
rem switch_busy: ERRORLEVEL 0 while the daily maintenance's switch runner stops and starts the programs
rem (run\maintenance-switch.pid names a live switch-runner): the scripts leave the programs alone meanwhile.
:switch_busy
set "ECR_SWITCH_PID="
if not exist "%ECR_RUN%\maintenance-switch.pid" exit /b 1
for /f "usebackq tokens=1" %%P in ("%ECR_RUN%\maintenance-switch.pid") do if not defined ECR_SWITCH_PID set "ECR_SWITCH_PID=%%P"
if not defined ECR_SWITCH_PID exit /b 1
echo %ECR_SWITCH_PID%| findstr /r /x "[0-9][0-9]*" >nul || exit /b 1
powershell -NoProfile -NonInteractive -Command "$p = Get-CimInstance Win32_Process -Filter ('ProcessId=' + [int]$env:ECR_SWITCH_PID); if ($p -and ([string]$p.CommandLine).Contains('switch-runner')) { exit 0 } else { exit 1 }" >nul 2>&1
exit /b %ERRORLEVEL%

rem ---------------------------------------------------------------------------------------------------------
rem trim <name>: keeps logs\<name>.out under 10 MB (the daily logs hold the history); the previous content is
rem kept as <name>.out.1. The programs append, so truncating under a running one is safe.
:trim
set "ECR_OUTF=%ECR_LOGS%\%~1.out"
if not exist "%ECR_OUTF%" exit /b 0
for %%F in ("%ECR_OUTF%") do set "ECR_SIZE=%%~zF"
if %ECR_SIZE% lss 10485760 exit /b 0
copy /y "%ECR_OUTF%" "%ECR_OUTF%.1" >nul 2>&1 && type nul > "%ECR_OUTF%"
exit /b 0

rem ---------------------------------------------------------------------------------------------------------
rem spawn <name>: starts the program in the background with no console window (spawn-detached.js: it survives
rem the window this script runs in), output appended to logs\<name>.out, pid file written at once.
rem Sets ECR_PID and ECR_OFFSET (where its output begins in the .out file). It runs from <data>\releases\current
rem when the daily maintenance installed a release there, else from this delivery. Compiled JavaScript when
rem packages\<name>\dist\main.js exists, else the sources through tsx; ECR_RUNTIME=compiled|source forces one.
:spawn
set "ECR_NAME=%~1"
set "ECR_PID="
set "ECR_OFFSET="
set "ECR_PROGRAM_ROOT=%ECR_ROOT%"
if exist "%ECR_DATA%\releases\current\packages\" set "ECR_PROGRAM_ROOT=%ECR_DATA%\releases\current"
set "ECR_COMPILED=%ECR_PROGRAM_ROOT%\packages\%~1\dist\main.js"
set "ECR_SOURCE=%ECR_PROGRAM_ROOT%\packages\%~1\src\main.ts"
set "ECR_RT=%ECR_RUNTIME%"
if not defined ECR_RT if exist "%ECR_COMPILED%" set "ECR_RT=compiled"
if not defined ECR_RT set "ECR_RT=source"
if /i "%ECR_RT%"=="compiled" goto :spawn_compiled
if /i "%ECR_RT%"=="source" goto :spawn_source
echo %ECR_PROG%: ECR_RUNTIME=%ECR_RT% is not a runtime: expected compiled, source, or nothing
exit /b 1
:spawn_compiled
if not exist "%ECR_COMPILED%" (echo %ECR_PROG%: "%ECR_COMPILED%" is missing: run npm run build first& exit /b 1)
rem node flags: NODE_RUNTIME_FLAGS in packages\common\src\process-main.ts (keep in step).
set ECR_ARGS=--max-semi-space-size=1 "%ECR_COMPILED%"
goto :spawn_run
:spawn_source
if not exist "%ECR_PROGRAM_ROOT%\node_modules\tsx\" (echo %ECR_PROG%: tsx is not installed: run npm ci, or npm run build to use compiled JavaScript& exit /b 1)
set ECR_ARGS=--max-semi-space-size=1 --conditions=source --import tsx "%ECR_SOURCE%"
:spawn_run
call :trim %ECR_NAME%
"%ECR_NODE_BIN%" "%ECR_ROOT%\scripts\lib\spawn-detached.js" "%ECR_LOGS%\%ECR_NAME%.out" "%ECR_RUN%\%ECR_NAME%.pid" "=== %DATE% %TIME%: %ECR_PROG% starting %ECR_NAME% from %ECR_PROGRAM_ROOT%" "%ECR_PROGRAM_ROOT%" "%ECR_NODE_BIN%" %ECR_ARGS% > "%ECR_RUN%\.%ECR_NAME%.spawned"
if errorlevel 1 (del "%ECR_RUN%\.%ECR_NAME%.spawned" 2>nul & exit /b 1)
for /f "usebackq tokens=1,2" %%A in ("%ECR_RUN%\.%ECR_NAME%.spawned") do (set "ECR_PID=%%A" & set "ECR_OFFSET=%%B")
del "%ECR_RUN%\.%ECR_NAME%.spawned" 2>nul
if not defined ECR_OFFSET exit /b 1
exit /b 0

rem ---------------------------------------------------------------------------------------------------------
rem start <prefix> <name>...: starts the programs together, then await-start.js waits until each is ready or
rem stopped (its reason, one line) or 20 s (ECR_START_WAIT_S) pass. ERRORLEVEL 1 if any stopped.
:start
set "ECR_PREFIX=%~1"
set "ECR_WAITING="
set "ECR_START_RC=0"
:start_next
shift
if "%~1"=="" goto :start_wait
call :spawn %~1
if errorlevel 1 goto :start_failed
set "ECR_WAITING=%ECR_WAITING% %~1 %ECR_PID% %ECR_OFFSET%"
goto :start_next
:start_failed
set "ECR_MSG=%ECR_PREFIX%%~1: could not be started; see %ECR_LOGS%\%~1.out"
call :say
set "ECR_START_RC=1"
goto :start_next
:start_wait
if not defined ECR_WAITING exit /b %ECR_START_RC%
set "ECR_WAIT_S=%ECR_START_WAIT_S%"
if not defined ECR_WAIT_S set "ECR_WAIT_S=20"
"%ECR_NODE_BIN%" "%ECR_ROOT%\scripts\lib\await-start.js" "%ECR_DATA%" %ECR_WAIT_S% "%ECR_PREFIX%" %ECR_WAITING% > "%ECR_RUN%\.await.txt"
if errorlevel 1 set "ECR_START_RC=1"
type "%ECR_RUN%\.await.txt"
if defined ECR_TRACE for /f "usebackq delims=" %%L in ("%ECR_RUN%\.await.txt") do >>"%ECR_TRACE%" echo %DATE% %TIME% %%L
del "%ECR_RUN%\.await.txt" 2>nul
exit /b %ECR_START_RC%

rem ---------------------------------------------------------------------------------------------------------
rem kill <name> <pid>: the process and its whole tree (taskkill /T /F: a console program on Windows cannot be
rem asked to stop; both programs write before they answer, so a hard stop loses nothing). Removes the pid file.
rem Sets ECR_MSG to what happened; ERRORLEVEL 1 if it is still there after 10 s.
:kill
set "ECR_KPID=%~2"
taskkill /PID %ECR_KPID% /T /F >nul 2>&1
set /a ECR_KTRIES=0
:kill_wait
tasklist /FI "PID eq %ECR_KPID%" /NH 2>nul | find " %ECR_KPID% " >nul || goto :kill_done
set /a ECR_KTRIES+=1
if %ECR_KTRIES% geq 10 goto :kill_failed
ping -n 2 127.0.0.1 >nul
taskkill /PID %ECR_KPID% /T /F >nul 2>&1
goto :kill_wait
:kill_done
set "ECR_FILEPID="
if exist "%ECR_RUN%\%~1.pid" for /f "usebackq tokens=1" %%P in ("%ECR_RUN%\%~1.pid") do set "ECR_FILEPID=%%P"
if "%ECR_FILEPID%"=="%ECR_KPID%" del "%ECR_RUN%\%~1.pid" 2>nul
set "ECR_MSG=%~1: stopped (pid %ECR_KPID%)"
exit /b 0
:kill_failed
set "ECR_MSG=%~1: could not be stopped (pid %ECR_KPID%): try taskkill /PID %ECR_KPID% /T /F as an administrator"
exit /b 1

rem ---------------------------------------------------------------------------------------------------------
rem say: prints ECR_MSG; with ECR_TRACE set (always-up), also appends it, dated, to that file.
:say
echo(%ECR_MSG%
if defined ECR_TRACE >>"%ECR_TRACE%" echo(%DATE% %TIME% %ECR_MSG%
exit /b 0
