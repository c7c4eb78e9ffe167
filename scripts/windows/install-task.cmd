@echo off
rem Registers the Task Scheduler task "Unattended ECR Connector" (unattended-ecr-connector.xml, beside this file)
rem for THIS installation's always-up.cmd, run as a Windows account whose password it asks for ("run whether
rem the user is logged on or not" needs it). Usage: install-task.cmd [DOMAIN\user]   (default: you)
rem Running it again replaces the task.
setlocal EnableExtensions DisableDelayedExpansion
for %%I in ("%~dp0..\..") do set "ECR_ROOT=%%~fI"
set "ECR_TASK_XML=%~dp0unattended-ecr-connector.xml"
set "ECR_TASK_OUT=%TEMP%\unattended-ecr-connector-%RANDOM%.xml"
set "ECR_TASK_USER=%~1"
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
