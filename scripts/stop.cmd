@echo off
rem Stops tp-manager and the supervisor (or the one named) with their whole process trees (taskkill /T /F) and
rem removes stale pid files. Usage: stop.cmd [tp-manager^|supervisor]
setlocal EnableExtensions DisableDelayedExpansion
set "ECR_LIB=%~dp0lib\ecr.cmd"
set "ECR_TRACE="
rem The supervisor first: it would otherwise log that tp-manager went away.
set "NAMES=supervisor tp-manager"
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
>&2 echo stop: unknown program "%~1": expected tp-manager or supervisor (or nothing for both)
call :usage >&2
exit /b 2
:bad_args
>&2 echo stop: unknown option or extra argument in: %*
call :usage >&2
exit /b 2
:one_name
set "NAMES=%~1"
:names_ok
call "%ECR_LIB%" init stop || goto :end_fail
call "%ECR_LIB%" lock wait || goto :end_fail
call "%ECR_LIB%" switch_busy && goto :switching
set "RC=0"
for %%N in (%NAMES%) do call :stop_one %%N
call "%ECR_LIB%" unlock
goto :end

:stop_one
call "%ECR_LIB%" running %1
if errorlevel 1 goto :not_running
call "%ECR_LIB%" kill %1 %ECR_PID%
if errorlevel 1 set "RC=1"
call "%ECR_LIB%" say
exit /b 0
:not_running
echo %1: not running
exit /b 0

:switching
echo stop: the daily maintenance is switching releases (pid %ECR_SWITCH_PID%): try again in a minute
call "%ECR_LIB%" unlock
:end_fail
set "RC=1"
:end
echo %CMDCMDLINE% | find /i "%~nx0" >nul && if not defined ECR_NO_PAUSE pause
exit /b %RC%

:usage
echo usage: stop.cmd [tp-manager^|supervisor] [-h^|--help]
echo Stops both programs (or the one named) with their process trees and removes stale pid files.
echo Data directory: %%ECR_DATA_DIR%%, else data\ beside scripts\.
exit /b 0
