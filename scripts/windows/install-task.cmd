@echo off
rem Registers the Task Scheduler task "Unattended ECR Connector" (unattended-ecr-connector.xml, beside this file)
rem for THIS installation's always-up.cmd, run as a Windows account whose password it asks for ("run whether
rem the user is logged on or not" needs it). Usage: install-task.cmd [DOMAIN\user]   (default: you)
rem Running it again replaces the task.
setlocal EnableExtensions DisableDelayedExpansion
for %%I in ("%~dp0..\..") do set "ECR_ROOT=%%~fI"
set "ECR_TASK_XML=%~dp0unattended-ecr-connector.xml"
set "ECR_TASK_OUT=%TEMP%\unattended-ecr-connector-%RANDOM%.xml"
if /i "%~1"=="--help" goto :usage
if /i "%~1"=="-h" goto :usage
if "%~1"=="/?" goto :usage
set "ECR_TASK_USER=%~1"
if defined ECR_TASK_USER if "%ECR_TASK_USER:~0,1%"=="-" (>&2 echo install-task: unknown option "%~1"& call :usage >&2 & exit /b 2)
if not defined ECR_TASK_USER set "ECR_TASK_USER=%USERDOMAIN%\%USERNAME%"
if not exist "%ECR_ROOT%\scripts\always-up.cmd" (echo install-task: "%ECR_ROOT%\scripts\always-up.cmd" not found& exit /b 1)
rem Task Scheduler wants the XML as exported: UTF-16 with a matching declaration.
powershell -NoProfile -NonInteractive -Command "$q = [char]34; $x = Get-Content -Raw -LiteralPath $env:ECR_TASK_XML; $x = $x.Replace('C:\ecr', $env:ECR_ROOT).Replace('encoding=' + $q + 'UTF-8' + $q, 'encoding=' + $q + 'UTF-16' + $q); Set-Content -LiteralPath $env:ECR_TASK_OUT -Value $x -Encoding Unicode"
if errorlevel 1 (echo install-task: could not prepare the task definition& exit /b 1)
echo Registering "Unattended ECR Connector" for %ECR_TASK_USER%, running %ECR_ROOT%\scripts\always-up.cmd every 5 minutes.
schtasks /Create /TN "Unattended ECR Connector" /XML "%ECR_TASK_OUT%" /RU "%ECR_TASK_USER%" /RP * /F
set "RC=%ERRORLEVEL%"
del "%ECR_TASK_OUT%" 2>nul
if not "%RC%"=="0" (echo install-task: schtasks failed; run this as an administrator, or create the task by hand ^(README^)& exit /b %RC%)
echo Done: the task starts the connector within 5 minutes. Check: schtasks /Query /TN "Unattended ECR Connector" /V /FO LIST
exit /b 0

:usage
echo usage: install-task.cmd [DOMAIN\user] [-h^|--help]
echo Registers the Task Scheduler task "Unattended ECR Connector" running this installation's always-up.cmd
echo every 5 minutes as that account (default: you); it asks for the account's password.
exit /b 0
