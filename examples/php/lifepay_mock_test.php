<?php
// A PHP test suite using the LifePay mock through its command line: start it on a free port,
// wait until it is ready, reset it between tests, stop it. Plain PHP (no PHPUnit needed); in a
// PHPUnit suite the same calls go in setUpBeforeClass(), setUp() and tearDownAfterClass().
//
//   pip install mock-lifepay
//   php lifepay_mock_test.php                          # runs `mock-lifepay`
//   php lifepay_mock_test.php python3 -m mock_lifepay  # or any command that starts it
declare(strict_types=1);

final class LifePayMock
{
    public string $url = '';
    /** @var resource */
    private $process;
    /** @var array<int, resource> */
    private array $pipes = [];

    /** @param list<string> $command */
    public static function start(array $command): self
    {
        $mock = new self();
        $command = array_merge($command, ['--port', '0', '--processing-delay', '0']);
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $mock->pipes);
        if ($process === false) {
            throw new RuntimeException('cannot start ' . implode(' ', $command));
        }
        $mock->process = $process;
        // Ready once the banner names the address (port 0: the mock picked a free one).
        while (($line = fgets($mock->pipes[1])) !== false) {
            if (preg_match('#listening on (http://\S+)#', $line, $match) === 1) {
                $mock->url = $match[1];
                return $mock;
            }
        }
        throw new RuntimeException('the mock did not start: ' . stream_get_contents($mock->pipes[2]));
    }

    /** @return array{int, mixed} the HTTP status and the decoded JSON */
    public function request(string $method, string $path, ?array $body = null): array
    {
        $options = ['method' => $method, 'ignore_errors' => true, 'timeout' => 10];
        if ($body !== null) {
            // As PHP clients of LifePay send it: the JSON labelled as a form.
            $options['header'] = "Content-Type: application/x-www-form-urlencoded\r\n";
            $options['content'] = json_encode($body, JSON_UNESCAPED_UNICODE);
        }
        $text = file_get_contents($this->url . $path, false, stream_context_create(['http' => $options]));
        preg_match('#^HTTP/\S+ (\d{3})#', $http_response_header[0], $status);
        return [(int) $status[1], $text === '' ? null : json_decode((string) $text, true)];
    }

    public function reset(): void
    {
        [$status] = $this->request('POST', '/_mock/reset');
        if ($status !== 204) {
            throw new RuntimeException("reset answered $status");
        }
    }

    public function stop(): void
    {
        proc_terminate($this->process, 15); // SIGTERM: the mock closes cleanly
        foreach ($this->pipes as $pipe) {
            fclose($pipe);
        }
        proc_close($this->process);
    }
}

const DEMO_APIKEY = 'demo-apikey-7f3c2a9b4e1d4c8a';
const ADMIN = '79990000001';
const BLOCKED = '79990000009';
const PRINTER = '00106304012797';

function check(bool $condition, string $what): void
{
    if (!$condition) {
        throw new RuntimeException($what);
    }
}

$tests = [
    'an X-report is accepted and journalled' => function (LifePayMock $mock): void {
        $body = ['apikey' => DEMO_APIKEY, 'login' => ADMIN, 'target_serial' => PRINTER, 'ext_id' => 'php-1'];
        [$status, $answer] = $mock->request('POST', '/cloud-print/create-x-report', $body);
        check($status === 200 && $answer['code'] === 0, 'code 0: ' . json_encode($answer));
        check(preg_match('/^[0-9a-f-]{36}$/', $answer['data']['uuid']) === 1, 'a uuid');
        [, $counted] = $mock->request('GET', '/_mock/journal/count?type=x_report&ext_id=php-1');
        check($counted === ['count' => 1], 'one request journalled: ' . json_encode($counted));
    },
    'after a reset the journal is empty and a blocked login is refused' => function (LifePayMock $mock): void {
        [, $counted] = $mock->request('GET', '/_mock/journal/count');
        check($counted === ['count' => 0], 'reset emptied the journal: ' . json_encode($counted));
        $body = ['apikey' => DEMO_APIKEY, 'login' => BLOCKED, 'test' => '1'];
        [$status, $answer] = $mock->request('POST', '/cloud-print/create-z-report', $body);
        check($status === 200 && $answer['code'] === 6095, '6095: ' . json_encode($answer));
    },
];

$command = array_slice($argv, 1) ?: ['mock-lifepay'];
$mock = LifePayMock::start($command);
$passed = 0;
$failed = 0;
try {
    foreach ($tests as $name => $test) {
        $mock->reset(); // every test starts from the mock's start state
        try {
            $test($mock);
            $passed++;
            echo "ok   $name\n";
        } catch (Throwable $error) {
            $failed++;
            echo "FAIL $name: {$error->getMessage()}\n";
        }
    }
} finally {
    $mock->stop();
}
echo "$passed passed, $failed failed\n";
exit($failed === 0 ? 0 : 1);
