@echo off
rem Stops tp-manager and the supervisor (or the one named) with their whole process trees: a stop request they
rem honour (run\<name>.stop), then taskkill /T /F after ECR_STOP_WAIT_S (8) seconds. Stale pid files are removed.
rem Usage: stop.cmd [tp-manager^|supervisor]   (ecr stop: packages\cli does the work)
setlocal EnableExtensions DisableDelayedExpansion
set "ECR_LIB=%~dp0lib\ecr.cmd"
rem --help, -h or /? print the usage (nothing stopped); an unknown option: usage on stderr, 2.
if /i "%~1"=="--help" goto :usage
if /i "%~1"=="-h" goto :usage
if "%~1"=="/?" goto :usage
set "ECR_ARG1=%~1"
if defined ECR_ARG1 if "%ECR_ARG1:~0,1%"=="-" (>&2 echo stop: unknown option& call :usage >&2 & exit /b 2)
call "%ECR_LIB%" stop %*
set "RC=%ERRORLEVEL%"
echo %CMDCMDLINE% | find /i "%~nx0" >nul && if not defined ECR_NO_PAUSE pause
exit /b %RC%

:usage
echo usage: stop.cmd [tp-manager^|supervisor] [-h^|--help]
echo Stops both programs (or the one named): a stop request first, taskkill /T /F after 8 s.
echo Data directory: %%ECR_DATA_DIR%%, else data\ beside scripts\.
exit /b 0
