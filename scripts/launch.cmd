@echo off
rem Starts tp-manager and the supervisor (or the one named) in the background, without console windows.
rem Usage: launch.cmd [tp-manager^|supervisor]
rem Each program's console output is appended to <data>\logs\<name>.out. A program that stops during its start
rem is reported in one line (its reason) and ERRORLEVEL is 1. A running program is never started twice.
setlocal EnableExtensions DisableDelayedExpansion
set "ECR_LIB=%~dp0lib\ecr.cmd"
set "ECR_TRACE="
set "NAMES=tp-manager supervisor"
rem --help, -h or /? print the usage (nothing started); an unknown option or a second argument: usage on stderr, 2.
if /i "%~1"=="--help" goto :usage
if /i "%~1"=="-h" goto :usage
if "%~1"=="/?" goto :usage
if not "%~2"=="" goto :bad_args
set "ECR_ARG1=%~1"
if defined ECR_ARG1 if "%ECR_ARG1:~0,1%"=="-" goto :bad_args
if "%~1"=="" goto :names_ok
if /i "%~1"=="tp-manager" goto :one_name
if /i "%~1"=="supervisor" goto :one_name
>&2 echo launch: unknown program "%~1": expected tp-manager or supervisor (or nothing for both)
call :usage >&2
exit /b 2
:bad_args
>&2 echo launch: unknown option or extra argument in: %*
call :usage >&2
exit /b 2
:one_name
set "NAMES=%~1"
:names_ok
call "%ECR_LIB%" init launch || goto :end_fail
call "%ECR_LIB%" lock wait || goto :end_fail
call "%ECR_LIB%" switch_busy && goto :switching
call :main
set "RC=%ERRORLEVEL%"
call "%ECR_LIB%" unlock
goto :end

:main
set "TO_START="
for %%N in (%NAMES%) do call :consider %%N
if not defined TO_START exit /b 0
call "%ECR_LIB%" start "" %TO_START%
set "MAIN_RC=%ERRORLEVEL%"
echo logs: %ECR_LOGS%
exit /b %MAIN_RC%

:consider
call "%ECR_LIB%" running %1
if errorlevel 1 goto :consider_start
echo %1: already running (pid %ECR_PID%): not starting a second copy (stop.cmd %1 stops it)
exit /b 0
:consider_start
set "TO_START=%TO_START% %1"
exit /b 0

:switching
echo launch: the daily maintenance is switching releases (pid %ECR_SWITCH_PID%): try again in a minute
call "%ECR_LIB%" unlock
:end_fail
set "RC=1"
:end
rem Opened by a double click: keep the window until the technician has read it.
echo %CMDCMDLINE% | find /i "%~nx0" >nul && if not defined ECR_NO_PAUSE pause
exit /b %RC%

:usage
echo usage: launch.cmd [tp-manager^|supervisor] [-h^|--help]
echo Starts both programs (or the one named) in the background; a running program is not started twice.
echo Data directory: %%ECR_DATA_DIR%%, else data\ beside scripts\. Node: %%ECR_NODE%%, else the PATH.
exit /b 0
