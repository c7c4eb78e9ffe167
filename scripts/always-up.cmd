@echo off
rem Watchdog, run by the Task Scheduler every 5 minutes (scripts\windows\unattended-ecr-connector.xml): starts
rem whichever program is missing; restarts the supervisor when it no longer answers GET /health. Silent when all
rem is well; otherwise one line per action, also appended to <data>\logs\always-up.log. Two runs at once are
rem harmless: the second finds the lock (<data>\run\launcher.lock) taken and ends quietly.
rem (ecr always-up: packages\cli does the work; --data-dir <dir> is passed on, as the task may give it.)
setlocal EnableExtensions DisableDelayedExpansion
set "ECR_LIB=%~dp0lib\ecr.cmd"
rem --help, -h or /? print the usage (nothing started); any other option but --data-dir: usage on stderr, 2.
if /i "%~1"=="--help" goto :usage
if /i "%~1"=="-h" goto :usage
if "%~1"=="/?" goto :usage
if /i "%~1"=="--data-dir" goto :run
if not "%~1"=="" (>&2 echo always-up: unexpected argument& call :usage >&2 & exit /b 2)
:run
call "%ECR_LIB%" always-up %*
exit /b %ERRORLEVEL%

:usage
echo usage: always-up.cmd [--data-dir ^<dir^>] [-h^|--help]
echo The watchdog (Task Scheduler, every 5 minutes): starts whichever program is missing, restarts a supervisor
echo that no longer answers GET /health. Silent when all is well. Data directory: %%ECR_DATA_DIR%%, else data\.
exit /b 0
