@echo off
rem Starts tp-manager and the supervisor (or the one named) in the background, without console windows.
rem Usage: launch.cmd [tp-manager^|supervisor]   (ecr launch: packages\cli does the work)
rem Each program's console output is appended to <data>\logs\<name>.out. A program that stops during its start
rem is reported in one line (its reason) and ERRORLEVEL is 1. A running program is never started twice.
setlocal EnableExtensions DisableDelayedExpansion
set "ECR_LIB=%~dp0lib\ecr.cmd"
rem --help, -h or /? print the usage (nothing started); an unknown option: usage on stderr, 2.
if /i "%~1"=="--help" goto :usage
if /i "%~1"=="-h" goto :usage
if "%~1"=="/?" goto :usage
set "ECR_ARG1=%~1"
if defined ECR_ARG1 if "%ECR_ARG1:~0,1%"=="-" (>&2 echo launch: unknown option& call :usage >&2 & exit /b 2)
call "%ECR_LIB%" launch %*
set "RC=%ERRORLEVEL%"
rem Opened by a double click: keep the window until the technician has read it.
echo %CMDCMDLINE% | find /i "%~nx0" >nul && if not defined ECR_NO_PAUSE pause
exit /b %RC%

:usage
echo usage: launch.cmd [tp-manager^|supervisor] [-h^|--help]
echo Starts both programs (or the one named) in the background; a running program is not started twice.
echo Data directory: %%ECR_DATA_DIR%%, else data\ beside scripts\. Node: %%ECR_NODE%%, else the PATH.
exit /b 0
