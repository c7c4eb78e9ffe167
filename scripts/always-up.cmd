@echo off
rem Watchdog, run by the Task Scheduler every 5 minutes (scripts\windows\unattended-ecr-connector.xml): starts
rem whichever program is missing; restarts the supervisor when it no longer answers GET /health. Silent when all
rem is well; otherwise one line per action, also appended to <data>\logs\always-up.log. Two runs at once are
rem harmless: the second finds the lock (folder <data>\run\always-up.lock) taken and ends quietly.
setlocal EnableExtensions DisableDelayedExpansion
set "ECR_LIB=%~dp0lib\ecr.cmd"
set "ECR_TRACE="
rem --help, -h or /? print the usage (nothing started); any other argument: usage on stderr, exit status 2.
if /i "%~1"=="--help" goto :usage
if /i "%~1"=="-h" goto :usage
if "%~1"=="/?" goto :usage
if not "%~1"=="" (>&2 echo always-up: unexpected argument "%~1"& call :usage >&2 & exit /b 2)
call "%ECR_LIB%" init always-up || exit /b 1
set "ECR_TRACE=%ECR_LOGS%\always-up.log"
call "%ECR_LIB%" lock try || exit /b 0
call :main
set "RC=%ERRORLEVEL%"
call "%ECR_LIB%" unlock
exit /b %RC%

:main
rem The daily maintenance is restarting the programs itself (a release switch): not ours to judge now.
call "%ECR_LIB%" switch_busy && exit /b 0
rem A supervisor younger than this may still be opening its port: not judged yet.
set "GRACE_S=%ECR_HEALTH_GRACE_S%"
if not defined GRACE_S set "GRACE_S=30"
set "MISSING="
call :check tp-manager
call :check supervisor
if not defined MISSING exit /b 0
call "%ECR_LIB%" switch_busy && exit /b 0
call "%ECR_LIB%" start "always-up: " %MISSING%
exit /b %ERRORLEVEL%

:check
call "%ECR_LIB%" trim %1
call "%ECR_LIB%" running %1
if errorlevel 1 goto :check_missing
rem tp-manager: alive by its pid.
if /i not "%1"=="supervisor" exit /b 0
if %ECR_AGE_S% lss %GRACE_S% exit /b 0
set "SUPERVISOR_PID=%ECR_PID%"
rem The probe reads config.txt with the programs' own loader: compiled when built, else through tsx.
set "HEALTH_ROOT=%ECR_ROOT%"
if exist "%ECR_DATA%\releases\current\packages\" set "HEALTH_ROOT=%ECR_DATA%\releases\current"
set "HEALTH_ARGS=--conditions=source --import tsx "%HEALTH_ROOT%\packages\supervisor\src\health-check.ts""
if exist "%HEALTH_ROOT%\packages\supervisor\dist\health-check.js" set "HEALTH_ARGS="%HEALTH_ROOT%\packages\supervisor\dist\health-check.js""
pushd "%HEALTH_ROOT%"
"%ECR_NODE_BIN%" %HEALTH_ARGS% > "%ECR_RUN%\.health.txt" 2>&1
set "HEALTH_RC=%ERRORLEVEL%"
popd
set "REASON="
for /f "usebackq delims=" %%L in ("%ECR_RUN%\.health.txt") do if not defined REASON set "REASON=%%L"
del "%ECR_RUN%\.health.txt" 2>nul
if "%HEALTH_RC%"=="0" exit /b 0
if "%HEALTH_RC%"=="2" goto :check_unknown
rem 3: the supervisor answers but cannot take payments (tp-manager, its journal): restarting it would not help.
if "%HEALTH_RC%"=="3" goto :check_failing
call "%ECR_LIB%" kill supervisor %SUPERVISOR_PID%
if errorlevel 1 goto :check_stuck
set "ECR_MSG=always-up: supervisor (pid %SUPERVISOR_PID%) %REASON%: stopped"
call "%ECR_LIB%" say
:check_missing
set "MISSING=%MISSING% %1"
exit /b 0
:check_stuck
set "ECR_MSG=always-up: supervisor (pid %SUPERVISOR_PID%) %REASON%; %ECR_MSG%"
call "%ECR_LIB%" say
exit /b 0
:check_failing
set "ECR_MSG=always-up: supervisor (pid %SUPERVISOR_PID%) %REASON%"
call "%ECR_LIB%" say
exit /b 0
:check_unknown
set "ECR_MSG=always-up: cannot check the supervisor's health: %REASON%"
call "%ECR_LIB%" say
exit /b 0

:usage
echo usage: always-up.cmd [-h^|--help]
echo The watchdog (Task Scheduler, every 5 minutes): starts whichever program is missing, restarts a supervisor
echo that no longer answers GET /health. Silent when all is well. Data directory: %%ECR_DATA_DIR%%, else data\.
exit /b 0
